package dev.switchboard.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.bus.Addresses;
import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.Requests;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A key's {@code spend} set by an admin (LiteLLM's /key/update and /key/generate field) is the spend
 * its budget is enforced from, from the next request, on every gateway: set at or past max_budget it
 * refuses, set lower it serves again. Each chat costs $0.02.
 */
@ExtendWith(VertxExtension.class)
class KeySpendUpdatesTest {

  private static final String MASTER = "sk-master-spend-updates";

  @RegisterExtension
  final GatewayExtension gw = PricedGateway.extension(MASTER, "chat");

  private final PricedGateway calls = new PricedGateway(gw, MASTER);

  private Future<HttpResponse<Buffer>> chat(String key) {
    return gw.post("/v1/chat/completions").putHeader("Authorization", "Bearer " + key)
        .sendJsonObject(Requests.hi("chat"));
  }

  @Test
  void spend_set_on_update_is_what_the_budget_reads_from_the_next_request(VertxTestContext ctx) {
    List<JsonObject> announced = new CopyOnWriteArrayList<>();
    gw.gateway().vertx().eventBus().<JsonObject>consumer(Addresses.BUDGET_LOWERED, news -> announced.add(news.body()));
    String[] key = new String[2];
    calls.admin("/key/generate", new JsonObject().put("max_budget", 1.0).put("budget_duration", "1d"))
        .compose(made -> {
          key[0] = made.getString("key");
          key[1] = made.getString("token_id");
          return chat(key[0]);
        })
        .compose(first -> {
          ctx.verify(() -> assertEquals(200, first.statusCode(), first.bodyAsString()));
          return Awaits.until(gw.vertx(), () -> gw.gateway().accounting().writer().writtenRows() >= 1, 20_000);
        })
        .compose(written -> calls.admin("/key/update", new JsonObject().put("key", key[0]).put("spend", 1.0)))
        .compose(updated -> {
          ctx.verify(() -> assertEquals(1.0, updated.getDouble("spend")));
          return chat(key[0]);
        })
        .compose(refused -> {
          ctx.verify(() -> {
            assertEquals(400, refused.statusCode(), refused.bodyAsString());
            assertEquals("budget_exceeded", refused.bodyAsJsonObject().getJsonObject("error").getString("type"));
          });
          return calls.admin("/key/update", new JsonObject().put("key", key[0]).put("spend", 0.5));
        })
        .compose(lowered -> chat(key[0]))
        .compose(served -> {
          ctx.verify(() -> assertEquals(200, served.statusCode(), "spend lowered to 0.5: " + served.bodyAsString()));
          return Awaits.until(gw.vertx(), () -> announced.size() >= 2, 10_000);
        })
        .onComplete(ctx.succeeding(done -> ctx.verify(() -> {
          JsonObject first = announced.get(0);
          assertEquals(List.of("key:" + key[1]), first.getJsonArray("holders").getList(), "told to every gateway");
          assertEquals(1.0, first.getDouble("at_most"));
          assertEquals(true, first.getBoolean("exact"), "set, not only cut");
          assertEquals(0.5, announced.get(1).getDouble("at_most"));
          ctx.completeNow();
        })));
  }

  @Test
  void a_key_generated_with_spend_past_its_budget_is_refused_at_once(VertxTestContext ctx) {
    calls.admin("/key/generate", new JsonObject().put("max_budget", 1.0).put("spend", 1.5))
        .compose(made -> {
          ctx.verify(() -> assertEquals(1.5, made.getDouble("spend")));
          return chat(made.getString("key"));
        })
        .onComplete(ctx.succeeding(refused -> ctx.verify(() -> {
          assertEquals(400, refused.statusCode(), refused.bodyAsString());
          assertTrue(refused.bodyAsString().contains("budget_exceeded"), refused.bodyAsString());
          ctx.completeNow();
        })));
  }
}
