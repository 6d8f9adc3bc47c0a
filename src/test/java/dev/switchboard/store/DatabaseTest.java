package dev.switchboard.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.config.StartupException;
import dev.switchboard.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class DatabaseTest {

  @Test
  void two_gateways_starting_at_once_apply_each_migration_once(Vertx vertx, VertxTestContext ctx) {
    String url = TestDatabase.newDatabaseUrl();
    Future.all(Database.open(vertx, url, null), Database.open(vertx, url, null), Database.open(vertx, url, null))
        .compose(opened -> {
          Database first = opened.resultAt(0);
          return first.pool().query("SELECT count(*), count(DISTINCT version) FROM switchboard_migrations").execute()
              .map(rows -> rows.iterator().next())
              .eventually(() -> Future.join(((Database) opened.resultAt(0)).close(vertx),
                  ((Database) opened.resultAt(1)).close(vertx), ((Database) opened.resultAt(2)).close(vertx)));
        })
        .onComplete(ctx.succeeding(row -> ctx.verify(() -> {
          assertEquals(Migrations.FILES.size(), row.getLong(0));
          assertEquals(Migrations.FILES.size(), row.getLong(1));
          ctx.completeNow();
        })));
  }

  @Test
  void an_unreachable_database_is_a_one_line_startup_error_without_the_password(Vertx vertx, VertxTestContext ctx) {
    int closedPort = dev.switchboard.testing.Gateways.freePort();
    Database.open(vertx, "postgresql://app:hunter2@127.0.0.1:" + closedPort + "/db", Path.of("unused"))
        .onComplete(ctx.failing(failure -> ctx.verify(() -> {
          assertTrue(failure instanceof StartupException, failure.toString());
          assertTrue(failure.getMessage().contains("Cannot connect to the database at 127.0.0.1:" + closedPort),
              failure.getMessage());
          assertTrue(!failure.getMessage().contains("hunter2"));
          ctx.completeNow();
        })));
  }

  @Test
  void a_malformed_url_is_a_clear_startup_error(Vertx vertx, VertxTestContext ctx) {
    Database.open(vertx, "mysql://nope", Path.of("unused")).onComplete(ctx.failing(failure -> ctx.verify(() -> {
      assertTrue(failure.getMessage().contains("database_url"), failure.getMessage());
      ctx.completeNow();
    })));
  }
}
