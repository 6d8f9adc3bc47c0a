package dev.switchboard.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.MockProvider.Behaviour;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every kind of fallback, the plain error when none applies, and no prefill after a mid-stream failure. */
@ExtendWith(VertxExtension.class)
class FallbacksTest {

  @RegisterExtension
  final Routed gw = new Routed();

  private static MockProvider mock(Vertx vertx) {
    return new MockProvider(vertx)
        .on("down", Behaviour.error(503, "{\"error\":{\"message\":\"overloaded\"}}", Map.of()))
        .on("small", Behaviour.error(400, "{\"error\":{\"message\":\"This model's maximum context length is 8192 tokens\","
            + "\"type\":\"invalid_request_error\",\"code\":\"context_length_exceeded\"}}", Map.of()))
        .on("strict", Behaviour.error(400, "{\"error\":{\"message\":\"The response was filtered due to the prompt "
            + "triggering content management policy\",\"code\":\"content_filter\"}}", Map.of()))
        .on("midway", Behaviour.ok().withChunks(10, 0).abortingAfter(2))
        .on("gone", Behaviour.error(404, "{\"error\":{\"message\":\"no such model upstream\"}}", Map.of()))
        .on("picky", Behaviour.error(400, "{\"error\":{\"message\":\"temperature is out of range\"}}", Map.of()))
        .on("overloaded", Behaviour.error(529, "{\"error\":{\"message\":\"Overloaded\"}}", Map.of()));
  }

  private static final String MODELS = """
      model_list:
        - {model_name: primary, litellm_params: {model: openai/down, api_base: "$BASE", api_key: k}}
        - {model_name: backup, litellm_params: {model: openai/backup, api_base: "$BASE", api_key: k}}
        - {model_name: also-down, litellm_params: {model: openai/down, api_base: "$BASE", api_key: k}}
        - {model_name: short, litellm_params: {model: openai/small, api_base: "$BASE", api_key: k}}
        - {model_name: long, litellm_params: {model: openai/large, api_base: "$BASE", api_key: k}}
        - {model_name: careful, litellm_params: {model: openai/strict, api_base: "$BASE", api_key: k}}
        - {model_name: lenient, litellm_params: {model: openai/lenient, api_base: "$BASE", api_key: k}}
        - {model_name: streaming, litellm_params: {model: openai/midway, api_base: "$BASE", api_key: k}}
        - {model_name: lonely, litellm_params: {model: openai/down, api_base: "$BASE", api_key: k}}
        - {model_name: gone, litellm_params: {model: openai/gone, api_base: "$BASE", api_key: k}}
        - {model_name: picky, litellm_params: {model: openai/picky, api_base: "$BASE", api_key: k}}
        - {model_name: overloaded, litellm_params: {model: openai/overloaded, api_base: "$BASE", api_key: k}}
      """;

  private Future<Routed> start(Vertx vertx, String routerSettings) {
    return gw.start(mock(vertx), MODELS + "router_settings: " + routerSettings + "\n");
  }

  @Test
  void a_failing_group_falls_back_to_its_configured_groups_in_order(Vertx vertx, VertxTestContext ctx) {
    start(vertx, "{num_retries: 0, fallbacks: [{primary: [also-down, backup]}]}")
        .compose(g -> gw.chat("primary"))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertEquals(200, r.statusCode(), r.bodyAsString());
          assertEquals("backup", r.getHeader("x-litellm-model-group"));
          assertEquals("2", r.getHeader("x-litellm-attempted-fallbacks"));
          assertTrue(r.bodyAsString().contains("Hello from backup"));
          ctx.completeNow();
        })));
  }

  @Test
  void a_context_window_error_goes_to_context_window_fallbacks(Vertx vertx, VertxTestContext ctx) {
    start(vertx, "{context_window_fallbacks: [{short: [long]}], fallbacks: [{short: [backup]}]}")
        .compose(g -> gw.chat("short"))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertEquals(200, r.statusCode(), r.bodyAsString());
          assertEquals("long", r.getHeader("x-litellm-model-group"));
          assertEquals(1, gw.received("small"), "a context window error is not retried");
          ctx.completeNow();
        })));
  }

  @Test
  void a_content_policy_refusal_goes_to_content_policy_fallbacks(Vertx vertx, VertxTestContext ctx) {
    start(vertx, "{content_policy_fallbacks: [{careful: [lenient]}]}")
        .compose(g -> gw.chat("careful"))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertEquals(200, r.statusCode(), r.bodyAsString());
          assertEquals("lenient", r.getHeader("x-litellm-model-group"));
          ctx.completeNow();
        })));
  }

  @Test
  void default_fallbacks_serve_any_group_without_its_own_and_litellm_settings_may_hold_them(Vertx vertx,
      VertxTestContext ctx) {
    gw.start(mock(vertx), MODELS
            + "router_settings: {num_retries: 0}\nlitellm_settings: {default_fallbacks: [backup]}\n")
        .compose(g -> gw.chat("lonely"))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertEquals(200, r.statusCode(), r.bodyAsString());
          assertEquals("backup", r.getHeader("x-litellm-model-group"));
          ctx.completeNow();
        })));
  }

  @Test
  void a_request_may_bring_its_own_fallbacks(Vertx vertx, VertxTestContext ctx) {
    start(vertx, "{num_retries: 0}")
        .compose(g -> gw.chat(Routed.body("primary").put("fallbacks", new JsonArray().add("backup"))))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertEquals(200, r.statusCode(), r.bodyAsString());
          assertEquals("backup", r.getHeader("x-litellm-model-group"));
          assertFalse(gw.mock().last().body().containsKey("fallbacks"), "never forwarded");
          ctx.completeNow();
        })));
  }

  @Test
  void a_group_whose_provider_lacks_the_model_falls_back(Vertx vertx, VertxTestContext ctx) {
    start(vertx, "{num_retries: 0, fallbacks: [{gone: [backup]}]}")
        .compose(g -> gw.chat("gone"))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertEquals(200, r.statusCode(), r.bodyAsString());
          assertEquals("backup", r.getHeader("x-litellm-model-group"));
          ctx.completeNow();
        })));
  }

  @Test
  void without_a_fallback_the_error_says_so_plainly_with_the_original_status(Vertx vertx, VertxTestContext ctx) {
    start(vertx, "{num_retries: 0, fallbacks: [{backup: [primary]}]}")
        .compose(g -> gw.chat("lonely"))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertEquals(503, r.statusCode());
          String message = Routed.errorMessage(r);
          assertTrue(message.startsWith("no fallback configured for model group lonely (fallbacks: [{backup: [primary]}]); "
              + "last error: "), message);
          assertTrue(message.contains("overloaded"), message);
          ctx.completeNow();
        })));
  }

  /**
   * The rule: fallbacks, and the note that none is configured, are for the deployment's failures (an upstream 404
   * among them: its provider lacks the model), never for the request's own 400 or 422.
   */
  @Test
  void only_the_deployments_own_failures_say_that_no_fallback_is_configured(Vertx vertx, VertxTestContext ctx) {
    start(vertx, "{num_retries: 0}")
        .compose(g -> Future.all(gw.chat("gone"), gw.chat("picky"), gw.chat("overloaded")))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> gone = all.resultAt(0);
          io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> picky = all.resultAt(1);
          io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> overloaded = all.resultAt(2);
          assertEquals(404, gone.statusCode());
          assertTrue(Routed.errorMessage(gone).startsWith("no fallback configured for model group gone (fallbacks: []); "
              + "last error: The provider rejected the request"), Routed.errorMessage(gone));
          assertEquals(400, picky.statusCode());
          assertTrue(Routed.errorMessage(picky).startsWith("The provider rejected the request"), Routed.errorMessage(picky));
          assertEquals(502, overloaded.statusCode());
          assertTrue(Routed.errorMessage(overloaded).startsWith("no fallback configured for model group overloaded "
              + "(fallbacks: []); last error: The provider failed"), Routed.errorMessage(overloaded));
          ctx.completeNow();
        })));
  }

  @Test
  void when_every_fallback_fails_the_error_names_them_and_max_fallbacks_bounds_them(Vertx vertx, VertxTestContext ctx) {
    start(vertx, "{num_retries: 0, max_fallbacks: 1, fallbacks: [{primary: [also-down, backup]}]}")
        .compose(g -> gw.chat("primary"))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertEquals(503, r.statusCode());
          String message = Routed.errorMessage(r);
          assertTrue(message.startsWith("all fallbacks failed for model group primary (tried: also-down); last error: "),
              message);
          assertEquals(0, gw.received("backup"), "max_fallbacks: 1");
          ctx.completeNow();
        })));
  }

  @Test
  void a_stream_failing_midway_ends_with_an_error_event_and_is_never_resent_as_a_prefill(Vertx vertx,
      VertxTestContext ctx) {
    start(vertx, "{fallbacks: [{streaming: [backup]}]}")
        .compose(g -> gw.chat(Routed.body("streaming").put("stream", true)))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertEquals(200, r.statusCode());
          String text = r.bodyAsString();
          assertTrue(text.contains("tok0") && text.contains("tok1"), text);
          assertTrue(text.contains("\"error\""), text);
          assertFalse(text.contains("[DONE]"), text);
          assertEquals(0, gw.received("backup"), "no fallback after bytes reached the client");
          assertEquals(1, gw.received("midway"), "no retry either");
          gw.mock().received().forEach(sent -> {
            JsonArray messages = sent.body().getJsonArray("messages");
            assertEquals("user", messages.getJsonObject(messages.size() - 1).getString("role"), "no assistant prefill");
          });
          ctx.completeNow();
        })));
  }
}
