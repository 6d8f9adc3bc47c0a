package dev.switchboard.files;

import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import io.vertx.core.Future;
import java.util.List;

/**
 * Who owns which file and batch, and where each lives: Postgres, or nothing without a database
 * ({@link #NONE}), in which case the Files and Batches APIs are refused rather than passed through
 * unscoped (any key could then read any other key's files).
 */
public interface FileStore {

  /** The owner of what the master key (or the caller of a gateway with no master key) creates; it sees everything. */
  String MASTER_OWNER = "master";

  boolean enabled();

  /** The object of this kind and id, if {@code owner} may see it (the master owner sees all); null otherwise. */
  Future<Owned> find(String kind, String id, String owner);

  /** Records a new object, or replaces the provider's object of one already known. */
  Future<Void> save(Owned owned);

  /** Records an object the gateway learnt of (a batch's output file) unless it is known already. */
  Future<Void> adopt(Owned owned);

  Future<Void> delete(String kind, String id);

  /**
   * A page of {@code owner}'s objects of {@code kind}, newest first, after the one with id {@code after}
   * (or from the newest), at most {@code limit}; the master owner's page holds everyone's.
   */
  Future<List<Owned>> list(String kind, String owner, String after, int limit);

  /** At most {@code limit} batches whose spend is not yet recorded, the least recently checked first (none starves). */
  Future<List<Owned>> unsettledBatches(int limit);

  /** The batch's spend is recorded (or there is none to record): it is not polled again. */
  Future<Void> settled(String id);

  /** The refusal of every Files and Batches call on a gateway without a database. */
  static GatewayError noDatabase() {
    return GatewayError.of(ErrorClass.BAD_REQUEST, "files_need_database", "The Files and Batches APIs need the "
        + "gateway's database to record which key owns each file and batch, and this gateway runs with "
        + "general_settings.database_url: none. Remove it (embedded database) or point it at Postgres.");
  }

  FileStore NONE = new FileStore() {
    @Override
    public boolean enabled() {
      return false;
    }

    @Override
    public Future<Owned> find(String kind, String id, String owner) {
      return Future.failedFuture(noDatabase());
    }

    @Override
    public Future<Void> save(Owned owned) {
      return Future.failedFuture(noDatabase());
    }

    @Override
    public Future<Void> adopt(Owned owned) {
      return Future.failedFuture(noDatabase());
    }

    @Override
    public Future<Void> delete(String kind, String id) {
      return Future.failedFuture(noDatabase());
    }

    @Override
    public Future<List<Owned>> list(String kind, String owner, String after, int limit) {
      return Future.failedFuture(noDatabase());
    }

    @Override
    public Future<List<Owned>> unsettledBatches(int limit) {
      return Future.succeededFuture(List.of());
    }

    @Override
    public Future<Void> settled(String id) {
      return Future.succeededFuture();
    }
  };
}
