package dev.switchboard.responses;

import io.vertx.core.Future;
import java.time.Instant;

/**
 * Where translated Responses API answers are kept: Postgres, or nowhere when the gateway runs
 * without a database ({@link #NONE}: {@code store} is ignored and {@code previous_response_id}
 * refused). Lookups are by id and owner: another key's response is as good as absent.
 */
public interface ResponseStore {

  /** The owner of what the master key (or the caller of a gateway with no master key) stores. */
  String MASTER_OWNER = "master";

  /** Whether anything is kept at all. */
  boolean enabled();

  /** The response with this id created by {@code owner}, unexpired; null when there is none. */
  Future<StoredResponse> find(String id, String owner);

  Future<Void> save(StoredResponse response);

  /** Whether a response with this id created by {@code owner} was there to delete. */
  Future<Boolean> delete(String id, String owner);

  /** The time stored responses are stamped with and checked against. */
  default Instant now() {
    return Instant.now();
  }

  /** How long a stored response is kept, in seconds. */
  long ttlSeconds();

  /** Stops any periodic purge. */
  default void close() {
  }

  ResponseStore NONE = new ResponseStore() {
    @Override
    public boolean enabled() {
      return false;
    }

    @Override
    public Future<StoredResponse> find(String id, String owner) {
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> save(StoredResponse response) {
      return Future.succeededFuture();
    }

    @Override
    public Future<Boolean> delete(String id, String owner) {
      return Future.succeededFuture(false);
    }

    @Override
    public long ttlSeconds() {
      return 0;
    }
  };
}
