package dev.switchboard.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Gateway;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The gateway's answers against OpenAI's published OpenAPI schema (see {@link OpenAiSpec}), through
 * strict mocks of each provider whose answers are translated ({@link EveryProvider#TRANSLATED}) and
 * of an OpenAI-format one passed through: chat answers, every stream chunk with include_usage, the
 * models list, embeddings and error bodies. A translation that drops a field the spec requires fails here.
 */
@ExtendWith(VertxExtension.class)
class OpenAiSpecConformanceTest {

  private EveryProvider providers;
  private Gateway gateway;
  private WebClient client;
  private final List<String> problems = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    providers = new EveryProvider(vertx);
    client = WebClient.create(vertx);
    providers.start("").onComplete(ctx.succeeding(started -> {
      gateway = started;
      ctx.completeNow();
    }));
  }

  @AfterEach
  void stop(VertxTestContext ctx) {
    client.close();
    providers.stop().onComplete(ctx.succeedingThenComplete());
  }

  private Future<String> post(String path, JsonObject body, int expectedStatus) {
    return client.post(gateway.port(), "127.0.0.1", path).sendJsonObject(body).map(response -> {
      if (response.statusCode() != expectedStatus) {
        problems.add(path + " " + body.getString("model") + ": status " + response.statusCode() + " "
            + response.bodyAsString());
      }
      return response.bodyAsString();
    });
  }

  private void check(String what, String schema, String json) {
    String found = OpenAiSpec.problems(schema, json);
    if (!found.isEmpty()) {
      problems.add(what + " is not a " + schema + ": " + found + " in " + json);
    }
  }

  private static JsonObject chat(String model) {
    return new JsonObject().put("model", model).put("max_tokens", 20)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "Say hello.")));
  }

  private static final JsonObject WEATHER_TOOL = new JsonObject().put("type", "function").put("function",
      new JsonObject().put("name", "get_weather").put("description", "Weather in a city")
          .put("parameters", new JsonObject().put("type", "object")
              .put("properties", new JsonObject().put("city", new JsonObject().put("type", "string")))));

  private Future<Void> answerConforms(String model) {
    Future<Void> plain = post("/v1/chat/completions", chat(model), 200).map(body -> {
      check(model + "'s chat answer", "CreateChatCompletionResponse", body);
      return null;
    });
    Future<Void> withTools = post("/v1/chat/completions", chat(model).put("tools", new JsonArray().add(WEATHER_TOOL)), 200)
        .map(body -> {
          check(model + "'s chat answer with a tool offered", "CreateChatCompletionResponse", body);
          return null;
        });
    return Future.join(plain, withTools).mapEmpty();
  }

  private Future<Void> streamConforms(String model) {
    JsonObject body = chat(model).put("stream", true).put("stream_options", new JsonObject().put("include_usage", true));
    return post("/v1/chat/completions", body, 200).map(sse -> {
      List<String> chunks = new ArrayList<>();
      for (String line : sse.split("\n")) {
        if (line.startsWith("data: ") && !line.equals("data: [DONE]")) {
          chunks.add(line.substring("data: ".length()));
        }
      }
      if (chunks.size() < 2) {
        problems.add(model + "'s stream has " + chunks.size() + " chunks: " + sse);
      }
      for (int i = 0; i < chunks.size(); i++) {
        check(model + "'s chunk " + i, "CreateChatCompletionStreamResponse", chunks.get(i));
        JsonObject chunk = new JsonObject(chunks.get(i));
        // With include_usage every chunk says usage, null until the last (OpenAI's own streams do).
        boolean last = i == chunks.size() - 1;
        if (!chunk.containsKey("usage") || (last != (chunk.getValue("usage") != null))) {
          problems.add(model + "'s chunk " + i + " of " + chunks.size() + " has usage " + chunk.getValue("usage", "absent"));
        }
      }
      return null;
    });
  }

  @Test
  void chat_answers_and_every_stream_chunk_conform_for_every_provider(VertxTestContext ctx) {
    List<Future<Void>> checks = new ArrayList<>();
    for (String model : EveryProvider.TRANSLATED) {
      checks.add(answerConforms(model));
      checks.add(streamConforms(model));
    }
    Future.join(checks).onComplete(done -> ctx.verify(() -> {
      assertTrue(done.succeeded(), String.valueOf(done.cause()));
      assertEquals(List.of(), problems);
      ctx.completeNow();
    }));
  }

  private Future<Void> responseConforms(String model) {
    JsonObject request = new JsonObject().put("model", model).put("input", "Say hello.").put("store", false);
    Future<Void> answer = post("/v1/responses", request, 200).map(body -> {
      check(model + "'s response", "Response", body);
      return null;
    });
    Future<Void> stream = post("/v1/responses", request.copy().put("stream", true), 200).map(sse -> {
      int events = 0;
      for (String line : sse.split("\n")) {
        if (line.startsWith("data: ")) {
          events++;
          JsonObject event = new JsonObject(line.substring("data: ".length()));
          // The spec's Response.usage is not nullable, but OpenAI's own streams send "usage": null in
          // response.created and response.in_progress (the API reference's examples of both events).
          if (event.getValue("response") instanceof JsonObject response && response.containsKey("usage")
              && response.getValue("usage") == null) {
            response.remove("usage");
          }
          String found = OpenAiSpec.eventProblems(event.encode());
          if (!found.isEmpty()) {
            problems.add(model + "'s response event " + events + " (" + event.getString("type") + "): " + found
                + " in " + event.encode());
          }
        }
      }
      if (events < 5) {
        problems.add(model + "'s response stream has " + events + " events: " + sse);
      }
      return null;
    });
    return Future.join(answer, stream).mapEmpty();
  }

  @Test
  void translated_responses_and_their_stream_events_conform(VertxTestContext ctx) {
    List<Future<Void>> checks = new ArrayList<>();
    for (String model : EveryProvider.TRANSLATED) {
      checks.add(responseConforms(model));
    }
    Future.join(checks).onComplete(done -> ctx.verify(() -> {
      assertTrue(done.succeeded(), String.valueOf(done.cause()));
      assertEquals(List.of(), problems);
      ctx.completeNow();
    }));
  }

  @Test
  void models_embeddings_and_error_bodies_conform(VertxTestContext ctx) {
    Future<Void> models = client.get(gateway.port(), "127.0.0.1", "/v1/models").send().map(response -> {
      check("the models list", "ListModelsResponse", response.bodyAsString());
      return null;
    });
    Future<Void> embeddings = post("/v1/embeddings", new JsonObject().put("model", "embed").put("input", "hello"), 200)
        .map(body -> {
          check("an embeddings answer", "CreateEmbeddingResponse", body);
          return null;
        });
    Future<Void> unknownModel = post("/v1/chat/completions", chat("no-such-model"), 404).map(body -> {
      check("the unknown-model error", "ErrorResponse", body);
      return null;
    });
    Future<Void> badJson = client.post(gateway.port(), "127.0.0.1", "/v1/chat/completions")
        .putHeader("content-type", "application/json").sendBuffer(io.vertx.core.buffer.Buffer.buffer("{not json"))
        .map(response -> {
          check("the invalid-JSON error", "ErrorResponse", response.bodyAsString());
          return null;
        });
    Future.join(models, embeddings, unknownModel, badJson).onComplete(done -> ctx.verify(() -> {
      assertTrue(done.succeeded(), String.valueOf(done.cause()));
      assertEquals(List.of(), problems);
      ctx.completeNow();
    }));
  }
}
