package dev.switchboard.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.Requests;
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

/** {@code POST /v1/messages}: native to Anthropic deployments, translated both ways for OpenAI ones. */
@ExtendWith(VertxExtension.class)
class MessagesEndpointTest {

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.withConfig(m -> """
      model_list:
        - model_name: claude
          litellm_params: {model: anthropic/claude-sonnet-4-5, api_base: "http://127.0.0.1:%1$d", api_key: sk-ant-secret}
        - model_name: gpt
          litellm_params: {model: openai/gpt-x, api_base: "%2$s", api_key: sk-up}
        - model_name: gpt-tools
          litellm_params: {model: openai/%3$s, api_base: "%2$s", api_key: sk-up}
      """.formatted(m.port(), m.apiBase(), MockProvider.TOOL_CALLER));

  private Future<HttpResponse<Buffer>> messages(JsonObject body) {
    return gw.post("/v1/messages").putHeader("anthropic-version", "2023-06-01")
        .putHeader("anthropic-beta", "prompt-caching-2024-07-31").sendJsonObject(body);
  }

  private static JsonObject request(String model) {
    return Requests.messages(model).maxTokens(256).put("system", "Be brief.")
        .put("metadata", new JsonObject().put("user_id", "u-1").put("tags", new JsonArray().add("gateway-only")))
        .build();
  }

  /** Each SSE event as {event name, data object}. */
  private static List<String[]> events(String body) {
    List<String[]> out = new ArrayList<>();
    for (String block : body.split("\n\n")) {
      String event = null;
      String data = null;
      for (String line : block.split("\n")) {
        if (line.startsWith("event: ")) {
          event = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data = line.substring(6);
        }
      }
      if (data != null) {
        out.add(new String[] {event, data});
      }
    }
    return out;
  }

  @Test
  void an_anthropic_deployment_gets_the_request_as_sent(Vertx vertx, VertxTestContext ctx) {
    messages(request("claude"))
        .compose(response -> {
          ctx.verify(() -> {
            assertEquals(200, response.statusCode(), response.bodyAsString());
            assertEquals("Hello from claude-sonnet-4-5",
                response.bodyAsJsonObject().getJsonArray("content").getJsonObject(0).getString("text"));
            JsonObject upstream = gw.mock().last().body();
            assertEquals("/v1/messages", gw.mock().last().uri());
            assertEquals("claude-sonnet-4-5", upstream.getString("model"));
            assertEquals("Be brief.", upstream.getString("system"));
            assertEquals(256, upstream.getInteger("max_tokens"));
            assertEquals(new JsonObject().put("user_id", "u-1"), upstream.getJsonObject("metadata"));
            assertEquals("sk-ant-secret", gw.mock().last().headers().get("x-api-key"));
            assertEquals("prompt-caching-2024-07-31", gw.mock().last().headers().get("anthropic-beta"));
          });
          return Awaits.until(vertx, () -> gw.gateway().ledger().totals("claude").requests() == 1, 5_000);
        })
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertEquals(16, gw.gateway().ledger().totals("claude").promptTokens());
          assertEquals(6, gw.gateway().ledger().totals("claude").completionTokens());
          ctx.completeNow();
        })));
  }

  @Test
  void an_anthropic_stream_passes_through_with_its_event_names(VertxTestContext ctx) {
    messages(request("claude").put("stream", true)).onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertEquals(200, response.statusCode(), response.bodyAsString());
      List<String[]> events = events(response.bodyAsString());
      assertEquals("message_start", events.get(0)[0]);
      assertEquals("message_stop", events.get(events.size() - 1)[0]);
      for (String[] event : events) {
        assertEquals(event[0], new JsonObject(event[1]).getString("type"), "event name matches its data");
      }
      assertFalse(response.bodyAsString().contains("[DONE]"), "Anthropic streams have no [DONE]");
      ctx.completeNow();
    })));
  }

  @Test
  void an_openai_deployment_is_translated_both_ways(VertxTestContext ctx) {
    JsonObject body = request("gpt").put("tools", new JsonArray().add(new JsonObject().put("name", "get_weather")
        .put("description", "Weather").put("input_schema", new JsonObject().put("type", "object"))))
        .put("tool_choice", new JsonObject().put("type", "any")).put("stop_sequences", new JsonArray().add("END"));
    messages(body).onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertEquals(200, response.statusCode(), response.bodyAsString());
      JsonObject upstream = gw.mock().last().body();
      assertEquals("/v1/chat/completions", gw.mock().last().uri());
      JsonArray sent = upstream.getJsonArray("messages");
      assertEquals(new JsonObject().put("role", "system").put("content", "Be brief."), sent.getJsonObject(0));
      assertEquals(new JsonObject().put("role", "user").put("content", "Hi"), sent.getJsonObject(1));
      assertEquals("get_weather", upstream.getJsonArray("tools").getJsonObject(0).getJsonObject("function").getString("name"));
      assertEquals("required", upstream.getString("tool_choice"));
      assertEquals(new JsonArray().add("END"), upstream.getJsonArray("stop"));
      assertEquals("u-1", upstream.getString("user"));
      JsonObject message = response.bodyAsJsonObject();
      assertEquals("message", message.getString("type"));
      assertEquals("Hello from gpt-x", message.getJsonArray("content").getJsonObject(0).getString("text"));
      assertEquals("end_turn", message.getString("stop_reason"));
      assertEquals(10, message.getJsonObject("usage").getInteger("input_tokens"));
      assertEquals(5, message.getJsonObject("usage").getInteger("output_tokens"));
      ctx.completeNow();
    })));
  }

  @Test
  void an_openai_stream_becomes_anthropic_events(VertxTestContext ctx) {
    messages(request("gpt").put("stream", true)).onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertEquals(200, response.statusCode(), response.bodyAsString());
      List<String[]> events = events(response.bodyAsString());
      List<String> names = events.stream().map(e -> e[0]).toList();
      assertEquals(List.of("message_start", "content_block_start", "content_block_delta", "content_block_delta",
          "content_block_delta", "content_block_stop", "message_delta", "message_stop"), names);
      StringBuilder text = new StringBuilder();
      for (String[] event : events) {
        JsonObject data = new JsonObject(event[1]);
        assertEquals(event[0], data.getString("type"));
        if ("content_block_delta".equals(event[0])) {
          text.append(data.getJsonObject("delta").getString("text"));
        }
      }
      assertEquals("tok0 tok1 tok2 ", text.toString());
      JsonObject delta = new JsonObject(events.get(6)[1]);
      assertEquals("end_turn", delta.getJsonObject("delta").getString("stop_reason"));
      assertEquals(3, delta.getJsonObject("usage").getInteger("output_tokens"));
      ctx.completeNow();
    })));
  }

  @Test
  void streamed_openai_tool_calls_become_a_tool_use_block(VertxTestContext ctx) {
    messages(request("gpt-tools").put("stream", true)).onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertEquals(200, response.statusCode(), response.bodyAsString());
      List<String[]> events = events(response.bodyAsString());
      assertTrue(events.size() > 2, response.bodyAsString());
      JsonObject start = new JsonObject(events.get(1)[1]);
      assertEquals("content_block_start", start.getString("type"));
      assertEquals(new JsonObject().put("type", "tool_use").put("id", "call_9").put("name", "get_weather")
          .put("input", new JsonObject()), start.getJsonObject("content_block"));
      StringBuilder arguments = new StringBuilder();
      for (String[] event : events) {
        JsonObject data = new JsonObject(event[1]);
        if ("content_block_delta".equals(event[0])) {
          assertEquals("input_json_delta", data.getJsonObject("delta").getString("type"));
          arguments.append(data.getJsonObject("delta").getString("partial_json"));
        }
      }
      assertEquals(new JsonObject().put("city", "Paris"), new JsonObject(arguments.toString()));
      assertEquals("tool_use", new JsonObject(events.get(events.size() - 2)[1]).getJsonObject("delta").getString("stop_reason"));
      ctx.completeNow();
    })));
  }

  @Test
  void max_tokens_is_required(VertxTestContext ctx) {
    JsonObject body = request("gpt");
    body.remove("max_tokens");
    messages(body).onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertEquals(400, response.statusCode());
      assertEquals("max_tokens", response.bodyAsJsonObject().getJsonObject("error").getString("param"));
      assertTrue(gw.mock().received().isEmpty());
      ctx.completeNow();
    })));
  }

  /** Each malformed body, sent one after another; the answers in order. */
  private Future<List<HttpResponse<Buffer>>> wave(String path, List<JsonObject> bodies) {
    List<HttpResponse<Buffer>> answers = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (JsonObject body : bodies) {
      chain = chain.compose(v -> gw.post(path).sendJsonObject(body).map(r -> {
        answers.add(r);
        return null;
      }));
    }
    return chain.map(v -> answers);
  }

  private static JsonObject withContent(JsonObject body, Object content) {
    body.getJsonArray("messages").getJsonObject(0).put("content", content);
    return body;
  }

  private static final List<Object> MALFORMED = List.of(new JsonArray().addNull(), new JsonArray().add(1).add(2),
      new JsonArray().add(new JsonArray().add(new JsonArray())));

  @Test
  void malformed_tools_and_contents_are_a_400_naming_the_field_in_anthropics_shape_and_never_reach_a_deployment(
      VertxTestContext ctx) {
    List<JsonObject> bodies = new ArrayList<>();
    List<String> params = new ArrayList<>();
    for (Object shape : MALFORMED) {
      bodies.add(request("gpt").put("tools", shape));
      params.add("tools[0]");
      bodies.add(withContent(request("gpt"), shape));
      params.add("messages[0].content[0]");
    }
    wave("/v1/messages", bodies)
        .compose(answers -> {
          ctx.verify(() -> {
            for (int i = 0; i < answers.size(); i++) {
              HttpResponse<Buffer> answer = answers.get(i);
              assertEquals(400, answer.statusCode(), bodies.get(i).encode() + " -> " + answer.bodyAsString());
              JsonObject json = answer.bodyAsJsonObject();
              assertEquals("error", json.getString("type"), "Anthropic's error shape: " + json.encode());
              assertEquals("invalid_request_error", json.getJsonObject("error").getString("type"));
              assertEquals(params.get(i), json.getJsonObject("error").getString("param"), json.encode());
              assertTrue(json.getJsonObject("error").getString("message").startsWith(params.get(i)), json.encode());
            }
            assertTrue(gw.mock().received().isEmpty(), "found at validation: no deployment was called");
          });
          return messages(request("gpt"));
        })
        .onComplete(ctx.succeeding(normal -> ctx.verify(() -> {
          assertEquals(200, normal.statusCode(), normal.bodyAsString());
          ctx.completeNow();
        })));
  }

  @Test
  void chat_requests_with_contents_or_tools_that_are_not_objects_are_a_400_naming_the_field(VertxTestContext ctx) {
    List<JsonObject> bodies = new ArrayList<>();
    List<String> params = new ArrayList<>();
    for (Object shape : MALFORMED) {
      bodies.add(withContent(request("gpt"), shape).put("tools", new JsonArray()));
      params.add("messages[0].content[0]");
      bodies.add(request("gpt").put("tools", shape));
      params.add("tools[0]");
    }
    bodies.add(withContent(request("gpt"), 42));
    params.add("messages[0].content");
    bodies.forEach(body -> body.remove("system"));
    wave("/v1/chat/completions", bodies).onComplete(ctx.succeeding(answers -> ctx.verify(() -> {
      for (int i = 0; i < answers.size(); i++) {
        HttpResponse<Buffer> answer = answers.get(i);
        assertEquals(400, answer.statusCode(), bodies.get(i).encode() + " -> " + answer.bodyAsString());
        assertEquals(params.get(i), answer.bodyAsJsonObject().getJsonObject("error").getString("param"));
      }
      assertTrue(gw.mock().received().isEmpty());
      ctx.completeNow();
    })));
  }
}
