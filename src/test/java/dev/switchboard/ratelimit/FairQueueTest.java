package dev.switchboard.ratelimit;

import static dev.switchboard.ratelimit.LimitCalls.MASTER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** LiteLLM failure 1: one tenant's burst must not starve the others. */
@ExtendWith(VertxExtension.class)
class FairQueueTest {

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.withConfig(m -> """
      model_list:
        - {model_name: chat, litellm_params: {model: openai/chat, api_base: "%1$s", api_key: sk-up, max_parallel_requests: 2}}
      general_settings: {master_key: %2$s, database_url: "%3$s"}
      """.formatted(m.apiBase(), MASTER, TestDatabase.newDatabaseUrl()));

  private static final int FLOOD = 500;
  private static final int OTHERS = 5;

  @Test
  void a_tenant_flooding_500_requests_does_not_starve_another_tenant(Vertx vertx, VertxTestContext ctx) {
    // Enough connections for every request to be at the gateway at once.
    WebClient many = WebClient.create(vertx, new WebClientOptions(), new PoolOptions().setHttp1MaxSize(FLOOD + 50));
    FairQueues queues = gw.gateway().rateLimits().queues();
    String[] keys = new String[2];
    List<Future<HttpResponse<Buffer>>> answers = new ArrayList<>();
    gw.mock().hold("chat");
    LimitCalls.newKey(gw.client(), gw.port(), new io.vertx.core.json.JsonObject().put("key_alias", "tenant-a"))
        .compose(a -> {
          keys[0] = a;
          return LimitCalls.newKey(gw.client(), gw.port(), new io.vertx.core.json.JsonObject().put("key_alias", "tenant-b"));
        })
        .compose(b -> {
          keys[1] = b;
          for (int i = 0; i < FLOOD; i++) {
            answers.add(LimitCalls.chat(many, gw.port(), keys[0], "chat", "A-" + i));
          }
          // Two of A's at the provider (held there), the rest of the flood waiting in the gateway.
          return Awaits.until(vertx, () -> gw.mock().received().size() == 2 && queues.queueDepth("chat") == FLOOD - 2, 30_000);
        })
        .compose(v -> {
          for (int i = 0; i < OTHERS; i++) {
            answers.add(LimitCalls.chat(many, gw.port(), keys[1], "chat", "B-" + i));
          }
          return Awaits.until(vertx, () -> queues.queueDepth("chat") == FLOOD - 2 + OTHERS, 30_000);
        })
        .compose(v -> {
          gw.mock().releaseHeld("chat");
          return Future.all(answers);
        })
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          many.close();
          for (Future<HttpResponse<Buffer>> answer : answers) {
            assertEquals(200, answer.result().statusCode());
          }
          List<String> order = new ArrayList<>();
          gw.mock().received().forEach(r -> order.add(r.body().getJsonArray("messages").getJsonObject(0).getString("content")));
          assertEquals(FLOOD + OTHERS, order.size());
          int lastB = 0;
          for (int i = 0; i < order.size(); i++) {
            if (order.get(i).startsWith("B-")) {
              lastB = i;
            }
          }
          int aBeforeLastB = 0;
          for (int i = 0; i < lastB; i++) {
            if (order.get(i).startsWith("A-")) {
              aBeforeLastB++;
            }
          }
          // 2 of A's were at the provider before B sent anything; then the queue alternates A and B.
          assertTrue(aBeforeLastB <= 2 + OTHERS + 5,
              "A's requests served before B's last: " + aBeforeLastB + " (order " + order.subList(0, lastB + 1) + ")");
          assertTrue(FLOOD - aBeforeLastB >= 480, "A's flood waited behind B: " + (FLOOD - aBeforeLastB) + " after");
          assertEquals(FLOOD - 2 + OTHERS, queues.servedAfterWaiting());
          assertEquals(0, queues.queueDepth());
          ctx.completeNow();
        })));
  }
}
