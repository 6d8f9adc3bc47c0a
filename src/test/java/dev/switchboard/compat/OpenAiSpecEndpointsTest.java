package dev.switchboard.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * More of the gateway's answers against OpenAI's OpenAPI schema ({@link OpenAiSpec}): translated
 * embeddings as floats and as base64, a model by id, and the error body of every way a request is
 * refused before or after routing.
 */
@ExtendWith(VertxExtension.class)
class OpenAiSpecEndpointsTest {

  private static final String MASTER = "sk-spec-endpoints-master-0123";

  private EveryProvider providers;
  private int port;
  private WebClient client;
  private final List<String> problems = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    providers = new EveryProvider(vertx);
    client = WebClient.create(vertx);
    providers.start("{master_key: " + MASTER + "}").onComplete(ctx.succeeding(gateway -> {
      port = gateway.port();
      ctx.completeNow();
    }));
  }

  @AfterEach
  void stop(VertxTestContext ctx) {
    client.close();
    providers.stop().onComplete(ctx.succeedingThenComplete());
  }

  private Future<HttpResponse<Buffer>> call(HttpMethod method, String path, String key, Buffer body) {
    var request = client.request(method, port, "127.0.0.1", path).putHeader("content-type", "application/json");
    if (key != null) {
      request.putHeader("Authorization", "Bearer " + key);
    }
    return body == null ? request.send() : request.sendBuffer(body);
  }

  private Future<JsonObject> post(String path, JsonObject body, int expectedStatus) {
    return call(HttpMethod.POST, path, MASTER, body.toBuffer()).map(response -> {
      if (response.statusCode() != expectedStatus) {
        problems.add(path + " " + body.getString("model") + ": status " + response.statusCode() + " " + response.bodyAsString());
        return new JsonObject();
      }
      return response.bodyAsJsonObject();
    });
  }

  private void check(String what, String schema, String json) {
    String found = OpenAiSpec.problems(schema, json);
    if (!found.isEmpty()) {
      problems.add(what + " is not a " + schema + ": " + found + " in " + json);
    }
  }

  private void verify(List<Future<Void>> checks, VertxTestContext ctx) {
    Future.join(checks).onComplete(done -> ctx.verify(() -> {
      assertTrue(done.succeeded(), String.valueOf(done.cause()));
      assertEquals(List.of(), problems);
      ctx.completeNow();
    }));
  }

  /** Floats conform to the schema; base64 (which the schema lags behind) decodes to the same float32s. */
  private Future<Void> embeddingsConform(String model) {
    // Titan embeds one text per call.
    JsonArray inputs = model.startsWith("bedrock") ? new JsonArray().add("hello") : new JsonArray().add("hello").add("world");
    JsonObject request = new JsonObject().put("model", model).put("input", inputs);
    return post("/v1/embeddings", request, 200)
        .compose(floats -> post("/v1/embeddings", request.copy().put("encoding_format", "base64"), 200).map(encoded -> {
          check(model + "'s embeddings", "CreateEmbeddingResponse", floats.encode());
          JsonArray asFloats = floats.getJsonArray("data", new JsonArray());
          JsonArray asBase64 = encoded.getJsonArray("data", new JsonArray());
          if (asFloats.size() != inputs.size() || asBase64.size() != inputs.size()) {
            problems.add(model + ": " + asFloats.size() + " float and " + asBase64.size() + " base64 vectors for "
                + inputs.size() + " inputs");
            return null;
          }
          for (int i = 0; i < inputs.size(); i++) {
            Object vector = asBase64.getJsonObject(i).getValue("embedding");
            if (!(vector instanceof String text)) {
              problems.add(model + "'s base64 vector " + i + " is not a string: " + vector);
              continue;
            }
            JsonArray expected = asFloats.getJsonObject(i).getJsonArray("embedding");
            ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(text)).order(ByteOrder.LITTLE_ENDIAN);
            List<Float> decoded = new ArrayList<>();
            while (bytes.remaining() >= Float.BYTES) {
              decoded.add(bytes.getFloat());
            }
            List<Float> floatsAsSent = expected.stream().map(v -> ((Number) v).floatValue()).toList();
            if (!decoded.equals(floatsAsSent)) {
              problems.add(model + "'s base64 vector " + i + " decodes to " + decoded + ", not " + floatsAsSent);
            }
          }
          return null;
        }));
  }

  @Test
  void translated_embeddings_conform_as_floats_and_as_base64(VertxTestContext ctx) {
    verify(EveryProvider.TRANSLATED_EMBEDDINGS.stream().map(this::embeddingsConform).toList(), ctx);
  }

  private Future<Void> errorConforms(String what, int status, Future<HttpResponse<Buffer>> call) {
    return call.map(response -> {
      if (response.statusCode() != status) {
        problems.add(what + ": status " + response.statusCode() + ", not " + status + ": " + response.bodyAsString());
      }
      check(what, "ErrorResponse", response.bodyAsString());
      return null;
    });
  }

  @Test
  void a_model_by_id_and_every_kind_of_refusal_conform(VertxTestContext ctx) {
    JsonObject chat = new JsonObject().put("model", "gpt")
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "Hi")));
    Future<Void> model = call(HttpMethod.GET, "/v1/models/gpt", MASTER, null).map(response -> {
      check("a model by id", "Model", response.bodyAsString());
      return null;
    });
    verify(List.of(model,
        errorConforms("an unknown model by id", 404, call(HttpMethod.GET, "/v1/models/no-such", MASTER, null)),
        errorConforms("no key", 401, call(HttpMethod.POST, "/v1/chat/completions", null, chat.toBuffer())),
        errorConforms("a wrong key", 401, call(HttpMethod.POST, "/v1/chat/completions", "sk-wrong-0123", chat.toBuffer())),
        errorConforms("an unknown model", 404, call(HttpMethod.POST, "/v1/chat/completions", MASTER,
            chat.copy().put("model", "no-such").toBuffer())),
        errorConforms("no messages", 400, call(HttpMethod.POST, "/v1/chat/completions", MASTER,
            new JsonObject().put("model", "gpt").toBuffer())),
        errorConforms("invalid JSON", 400, call(HttpMethod.POST, "/v1/chat/completions", MASTER, Buffer.buffer("{oops"))),
        errorConforms("an operation the provider lacks", 400, call(HttpMethod.POST, "/v1/completions", MASTER,
            new JsonObject().put("model", "gemini").put("prompt", "Hi").toBuffer())),
        errorConforms("a provider's refusal, translated", 401, call(HttpMethod.POST, "/v1/chat/completions", MASTER,
            chat.copy().put("model", "gemini-wrong-key").toBuffer())),
        errorConforms("an unknown path", 404, call(HttpMethod.POST, "/v1/no-such-endpoint", MASTER, chat.toBuffer()))),
        ctx);
  }
}
