package dev.switchboard.ratelimit;

import static dev.switchboard.ratelimit.LimitCalls.MASTER;
import static dev.switchboard.ratelimit.LimitCalls.assertRateLimited;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.Requests;
import dev.switchboard.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A key's, its user's and its team's limits, in memory (one gateway, no Redis). */
@ExtendWith(VertxExtension.class)
class KeyLimitsTest {

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.withConfig(m -> """
      model_list:
        - {model_name: chat, litellm_params: {model: openai/chat, api_base: "%1$s", api_key: sk-up}}
        - {model_name: other, litellm_params: {model: openai/other, api_base: "%1$s", api_key: sk-up}}
      general_settings: {master_key: %2$s, database_url: "%3$s"}
      """.formatted(m.apiBase(), MASTER, TestDatabase.newDatabaseUrl()));

  @BeforeEach
  void awayFromTheMinutesEnd(Vertx vertx, VertxTestContext ctx) {
    // Rate limits count per clock minute: the test's requests must all fall in one.
    Awaits.minuteHasAtLeast(vertx, 15).onComplete(ctx.succeedingThenComplete());
  }

  private Future<HttpResponse<Buffer>> chat(String key, String model) {
    return LimitCalls.chat(gw.client(), gw.port(), key, model, "Hi");
  }

  @Test
  void rpm_limit_answers_429_with_headers_and_retry_after_to_the_next_minute(Vertx vertx, VertxTestContext ctx) {
    LimitCalls.newKey(gw.client(), gw.port(), new JsonObject().put("rpm_limit", 2))
        .compose(key -> threeCallsInOneMinute(vertx, key))
        .onComplete(ctx.succeedingThenComplete());
  }

  /** Two answered, the third refused; run again if the minute turned meanwhile (then the third may rightly pass). */
  private Future<Void> threeCallsInOneMinute(Vertx vertx, String key) {
    long minute = System.currentTimeMillis() / 60_000;
    List<HttpResponse<Buffer>> responses = new ArrayList<>();
    return chat(key, "chat").compose(first -> {
          responses.add(first);
          return chat(key, "chat");
        })
        .compose(second -> {
          responses.add(second);
          return chat(key, "chat");
        })
        .compose(third -> {
          long sentAt = System.currentTimeMillis();
          if (sentAt / 60_000 != minute) {
            return LimitCalls.settled(vertx, gw.gateway()).compose(v -> threeCallsInOneMinute(vertx, key));
          }
          HttpResponse<Buffer> first = responses.get(0);
          HttpResponse<Buffer> second = responses.get(1);
          assertEquals(200, first.statusCode());
          assertEquals("2", first.getHeader("x-ratelimit-limit-requests"));
          assertEquals("1", first.getHeader("x-ratelimit-remaining-requests"));
          assertEquals("0", second.getHeader("x-ratelimit-remaining-requests"));
          assertTrue(first.getHeader("x-ratelimit-reset-requests").matches("\\d+s"));
          assertRateLimited(third, "rpm_limit", key);
          long expected = (60_000 - sentAt % 60_000 + 999) / 1000;
          long retryAfter = Long.parseLong(third.getHeader("Retry-After"));
          assertTrue(Math.abs(retryAfter - expected) <= 1, "Retry-After " + retryAfter + ", the minute ends in " + expected);
          assertEquals(third.getHeader("x-ratelimit-reset-requests"), retryAfter + "s");
          assertEquals("0", third.getHeader("x-ratelimit-remaining-requests"));
          assertTrue(third.bodyAsJsonObject().getJsonObject("error").getString("message").contains("this key"));
          return Future.<Void>succeededFuture();
        });
  }

  @Test
  void tpm_limit_counts_the_actual_usage_of_answers_and_streams(Vertx vertx, VertxTestContext ctx) {
    // "Hi" is estimated at 1 token; the mock reports 15 for an answer and 13 for a 3-chunk stream.
    // Counting estimates only, all four would pass.
    String[] key = new String[1];
    JsonObject stream = Requests.chat("chat").streamWithUsage().build();
    LimitCalls.newKey(gw.client(), gw.port(), new JsonObject().put("tpm_limit", 30))
        .compose(k -> {
          key[0] = k;
          return chat(k, "chat");
        })
        .compose(first -> {
          ctx.verify(() -> {
            assertEquals(200, first.statusCode());
            assertEquals("30", first.getHeader("x-ratelimit-limit-tokens"));
            assertEquals("29", first.getHeader("x-ratelimit-remaining-tokens"));
          });
          return LimitCalls.settled(vertx, gw.gateway());
        })
        .compose(v -> LimitCalls.chat(gw.client(), gw.port(), key[0], stream))
        .compose(streamed -> {
          ctx.verify(() -> {
            assertEquals(200, streamed.statusCode());
            assertEquals("14", streamed.getHeader("x-ratelimit-remaining-tokens"), "15 used, 1 estimated");
            assertTrue(streamed.bodyAsString().contains("[DONE]"));
          });
          return LimitCalls.settled(vertx, gw.gateway());
        })
        .compose(v -> chat(key[0], "chat"))
        .compose(third -> {
          ctx.verify(() -> assertEquals("1", third.getHeader("x-ratelimit-remaining-tokens"), "28 used, 1 estimated"));
          return LimitCalls.settled(vertx, gw.gateway());
        })
        .compose(v -> chat(key[0], "chat"))
        .onComplete(ctx.succeeding(fourth -> ctx.verify(() -> {
          assertRateLimited(fourth, "tpm_limit", key[0]);
          ctx.completeNow();
        })));
  }

  @Test
  void max_parallel_requests_refuses_while_the_first_is_in_flight(Vertx vertx, VertxTestContext ctx) {
    gw.mock().hold("chat");
    String[] key = new String[1];
    List<Future<HttpResponse<Buffer>>> first = new ArrayList<>();
    LimitCalls.newKey(gw.client(), gw.port(), new JsonObject().put("max_parallel_requests", 1))
        .compose(k -> {
          key[0] = k;
          first.add(chat(k, "chat"));
          return dev.switchboard.testing.Awaits.until(vertx, () -> gw.mock().received().size() == 1, 10_000);
        })
        .compose(v -> chat(key[0], "chat"))
        .compose(second -> {
          ctx.verify(() -> {
            JsonObject error = assertRateLimited(second, "max_parallel_requests", key[0]);
            assertEquals("1", second.getHeader("Retry-After"));
            assertTrue(error.getString("message").contains("1 requests in flight"), error.encode());
          });
          gw.mock().releaseHeld("chat");
          return first.get(0);
        })
        .compose(answered -> {
          ctx.verify(() -> assertEquals(200, answered.statusCode()));
          return LimitCalls.settled(vertx, gw.gateway());
        })
        .compose(v -> chat(key[0], "chat"))
        .onComplete(ctx.succeeding(third -> ctx.verify(() -> {
          assertEquals(200, third.statusCode(), "the slot came back");
          ctx.completeNow();
        })));
  }

  @Test
  void model_rpm_and_tpm_limits_hold_per_model(Vertx vertx, VertxTestContext ctx) {
    String[] key = new String[1];
    LimitCalls.newKey(gw.client(), gw.port(), new JsonObject()
            .put("model_rpm_limit", new JsonObject().put("chat", 1))
            .put("model_tpm_limit", new JsonObject().put("other", 10)))
        .compose(k -> {
          key[0] = k;
          return chat(k, "chat");
        })
        .compose(first -> {
          ctx.verify(() -> assertEquals(200, first.statusCode()));
          return chat(key[0], "chat");
        })
        .compose(second -> {
          ctx.verify(() -> {
            JsonObject error = assertRateLimited(second, "model_rpm_limit", key[0]);
            assertTrue(error.getString("message").contains("model 'chat'"), error.encode());
          });
          return chat(key[0], "other");
        })
        .compose(other -> {
          ctx.verify(() -> assertEquals(200, other.statusCode(), "chat's limit is chat's alone"));
          return LimitCalls.settled(vertx, gw.gateway());
        })
        .compose(v -> chat(key[0], "other"))
        .onComplete(ctx.succeeding(over -> ctx.verify(() -> {
          assertRateLimited(over, "model_tpm_limit", key[0]);
          ctx.completeNow();
        })));
  }

  @Test
  void a_teams_and_a_users_limits_bind_all_their_keys(Vertx vertx, VertxTestContext ctx) {
    String[] keys = new String[4];
    LimitCalls.admin(gw.client(), gw.port(), "/team/new", new JsonObject().put("team_id", "search").put("rpm_limit", 2))
        .compose(team -> LimitCalls.newKey(gw.client(), gw.port(), new JsonObject().put("team_id", "search")))
        .compose(k -> {
          keys[0] = k;
          return LimitCalls.newKey(gw.client(), gw.port(), new JsonObject().put("team_id", "search"));
        })
        .compose(k -> {
          keys[1] = k;
          return LimitCalls.admin(gw.client(), gw.port(), "/user/new", new JsonObject().put("user_id", "ana").put("tpm_limit", 5));
        })
        .compose(user -> {
          keys[2] = user.getString("key");
          return LimitCalls.newKey(gw.client(), gw.port(), new JsonObject().put("user_id", "ana"));
        })
        .compose(k -> {
          keys[3] = k;
          return chat(keys[0], "chat");
        })
        .compose(r -> chat(keys[1], "chat"))
        .compose(r -> chat(keys[0], "chat"))
        .compose(team -> {
          ctx.verify(() -> {
            JsonObject error = assertRateLimited(team, "rpm_limit", keys[0]);
            assertTrue(error.getString("message").contains("team 'search'"), error.encode());
          });
          return chat(keys[2], "chat");
        })
        .compose(r -> LimitCalls.settled(vertx, gw.gateway()))
        .compose(v -> chat(keys[3], "chat"))
        .onComplete(ctx.succeeding(user -> ctx.verify(() -> {
          JsonObject error = assertRateLimited(user, "tpm_limit", keys[3]);
          assertTrue(error.getString("message").contains("user 'ana'"), error.encode());
          ctx.completeNow();
        })));
  }
}
