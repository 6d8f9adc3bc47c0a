package dev.switchboard.responses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.store.Database;
import dev.switchboard.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The store's TTL against a clock the test moves: found until it expires, then gone and purged. */
@ExtendWith(VertxExtension.class)
class PgResponseStoreTest {

  /** A clock that stands still until told to move. */
  private static final class MovableClock extends Clock {
    volatile Instant now = Instant.parse("2030-01-01T00:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void an_unreachable_database_is_a_503_naming_no_driver_detail(Vertx vertx) {
    io.vertx.sqlclient.Pool pool = io.vertx.pgclient.PgBuilder.pool()
        .connectingTo("postgresql://postgres@127.0.0.1:9/none").using(vertx).build();
    PgResponseStore store = new PgResponseStore(vertx, pool, 60, Clock.systemUTC());
    try {
      Throwable failure = store.find("resp_1", "hash-a").toCompletionStage().toCompletableFuture()
          .handle((found, error) -> error).join();
      dev.switchboard.errors.GatewayError error = (dev.switchboard.errors.GatewayError)
          (failure instanceof java.util.concurrent.CompletionException wrapped ? wrapped.getCause() : failure);
      assertEquals(503, error.status());
      assertEquals("database_unavailable", error.code());
      assertFalse(error.getMessage().contains("127.0.0.1"), error.getMessage());
    } finally {
      store.close();
      await(pool.close());
    }
  }

  @Test
  void a_response_is_found_until_its_ttl_then_purged(Vertx vertx) {
    Database database = await(Database.open(vertx, TestDatabase.newDatabaseUrl(), Path.of("unused")));
    MovableClock clock = new MovableClock();
    PgResponseStore store = new PgResponseStore(vertx, database.pool(), 60, clock);
    try {
      JsonArray input = new JsonArray().add(new JsonObject().put("id", "msg_1").put("type", "message")
          .put("role", "user").put("content", "hi"));
      JsonArray output = new JsonArray().add(new JsonObject().put("id", "msg_2").put("type", "message")
          .put("role", "assistant").put("content", new JsonArray()));
      Instant now = store.now();
      await(store.save(new StoredResponse("resp_1", "hash-a", "claude", input, output,
          new JsonObject().put("id", "resp_1"), now, now.plusSeconds(store.ttlSeconds()), null)));
      StoredResponse found = await(store.find("resp_1", "hash-a"));
      assertEquals(input, found.input());
      assertEquals(output, found.output());
      assertEquals(2, found.conversation().size());
      assertFalse(found.conversation().getJsonObject(0).containsKey("id"), "a follow-up gets no gateway ids");
      assertNull(await(store.find("resp_1", "hash-b")), "another key's response is not found");
      assertEquals(0, await(store.purge()), "nothing expired yet");

      clock.now = clock.now.plusSeconds(61);
      assertNull(await(store.find("resp_1", "hash-a")), "expired");
      assertFalse(await(store.delete("resp_1", "hash-a")), "an expired response is not there to delete");
      assertEquals(1, await(store.purge()));
      clock.now = clock.now.minusSeconds(61);
      assertNull(await(store.find("resp_1", "hash-a")), "purged for good");
      assertTrue(store.enabled());
    } finally {
      store.close();
      await(database.close(vertx));
    }
  }
}
