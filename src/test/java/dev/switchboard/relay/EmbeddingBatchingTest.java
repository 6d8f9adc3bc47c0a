package dev.switchboard.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.MockProvider;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Concurrent embedding requests merged into fewer upstream calls, each caller answered with its own. */
@ExtendWith(VertxExtension.class)
class EmbeddingBatchingTest {

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.withConfig(m -> """
      model_list:
        - model_name: embed
          litellm_params:
            model: openai/text-embedding-3-small
            api_base: "%s"
            api_key: sk-up
            batch: {max_batch_size: 4, batch_timeout_ms: 200}
      router_settings: {num_retries: 0}
      """.formatted(m.apiBase())).eventLoops(1);

  private Future<HttpResponse<Buffer>> embed(Object input) {
    return gw.post("/v1/embeddings")
        .sendJsonObject(new JsonObject().put("model", "embed").put("input", input));
  }

  @Test
  void eight_concurrent_requests_make_two_upstream_calls_and_each_gets_its_own(Vertx vertx, VertxTestContext ctx) {
    List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
    for (int i = 1; i <= 8; i++) {
      calls.add(embed("x".repeat(i)));
    }
    Future.all(calls)
        .compose(all -> {
          ctx.verify(() -> {
            assertEquals(2, gw.mock().received().size(), "8 inputs in batches of 4");
            for (int i = 1; i <= 8; i++) {
              HttpResponse<Buffer> response = calls.get(i - 1).result();
              assertEquals(200, response.statusCode(), response.bodyAsString());
              JsonArray data = response.bodyAsJsonObject().getJsonArray("data");
              assertEquals(1, data.size());
              assertEquals(0, data.getJsonObject(0).getInteger("index"));
              assertEquals(i, data.getJsonObject(0).getJsonArray("embedding").getInteger(0), "the caller's own input");
            }
          });
          return Awaits.until(vertx, () -> gw.gateway().ledger().totals("embed").requests() == 8, 5_000);
        })
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          long upstreamTokens = 0;
          for (MockProvider.Received received : gw.mock().received()) {
            for (Object input : received.body().getJsonArray("input")) {
              upstreamTokens += Math.max(1, input.toString().length() / 2);
            }
          }
          assertEquals(upstreamTokens, gw.gateway().ledger().totals("embed").promptTokens(),
              "the callers' shares add up to what the provider counted");
          ctx.completeNow();
        })));
  }

  @Test
  void a_multi_input_request_keeps_its_inputs_in_order(VertxTestContext ctx) {
    Future.all(embed(new JsonArray().add("aa").add("bbbbb")), embed("c"))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          JsonArray data = ((HttpResponse<Buffer>) all.resultAt(0)).bodyAsJsonObject().getJsonArray("data");
          assertEquals(2, data.size());
          assertEquals(2, data.getJsonObject(0).getJsonArray("embedding").getInteger(0));
          assertEquals(5, data.getJsonObject(1).getJsonArray("embedding").getInteger(0));
          assertEquals(1, gw.mock().received().size(), "merged after the batch timeout");
          ctx.completeNow();
        })));
  }

  @Test
  void a_failing_batch_fails_only_its_own_callers(VertxTestContext ctx) {
    List<Future<HttpResponse<Buffer>>> first = List.of(embed("a1"), embed("fail"), embed("a3"), embed("a4"));
    Future.all(first)
        .compose(done -> Future.all(embed("b1"), embed("b2"), embed("b3"), embed("b4")))
        .onComplete(ctx.succeeding(second -> ctx.verify(() -> {
          for (Future<HttpResponse<Buffer>> call : first) {
            assertEquals(500, call.result().statusCode(), call.result().bodyAsString());
          }
          for (int i = 0; i < 4; i++) {
            assertEquals(200, ((HttpResponse<Buffer>) second.resultAt(i)).statusCode());
          }
          assertEquals(2, gw.mock().received().size());
          assertTrue(gw.mock().received().get(1).body().getJsonArray("input").contains("b1"));
          ctx.completeNow();
        })));
  }
}
