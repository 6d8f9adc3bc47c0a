package dev.switchboard.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.MediaMock;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.multipart.MultipartForm;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * LiteLLM's server-side models: {@code general_settings.moderation_model} takes every moderations call
 * and {@code image_generation_model} every image generation and edit, whatever model the body names
 * (as LiteLLM's proxy does); a model named in an Azure-style path still wins.
 */
@ExtendWith(VertxExtension.class)
class ServerModelsTest {

  private static final String MASTER = "sk-server-models";

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.manual();

  private MediaMock media;
  private HttpServer moderations;
  private final List<JsonObject> moderated = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start(Vertx vertx) {
    media = await(new MediaMock(vertx).start());
    // OpenAI's /v1/moderations, strictly: its path, its key, only model and input
    moderations = await(vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(raw -> {
      JsonObject body = raw.toJsonObject();
      moderated.add(body);
      boolean ok = "/v1/moderations".equals(request.path()) && "Bearer sk-mod".equals(request.getHeader("Authorization"))
          && List.of("input", "model").containsAll(body.fieldNames());
      request.response().setStatusCode(ok ? 200 : 400).putHeader("content-type", "application/json").end(ok
          ? new JsonObject().put("id", "modr-1").put("model", body.getString("model")).put("results", new JsonArray()).encode()
          : new JsonObject().put("error", new JsonObject().put("message", "bad").put("type", "invalid_request_error")).encode());
    })).listen(0, "127.0.0.1"));
    String url = TestDatabase.newDatabaseUrl();
    await(gw.start(new MockProvider(vertx), m -> media.gatewayYaml(MASTER, url)
        .replace("model_list:\n", """
            model_list:
              - model_name: house-moderation
                litellm_params: {model: openai/omni-moderation-2024-09-26, api_base: "http://127.0.0.1:%d/v1", api_key: sk-mod}
            """.formatted(moderations.actualPort()))
        .replace("strict_budgets: true}", "strict_budgets: true, moderation_model: house-moderation, image_generation_model: azure-dalle}")));
  }

  @AfterEach
  void stop() {
    await(media.stop());
    await(moderations.close());
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private HttpResponse<Buffer> post(String path, JsonObject body) {
    return await(gw.post(path).putHeader("Authorization", "Bearer " + MASTER).sendJsonObject(body));
  }

  @Test
  void moderations_go_to_the_moderation_model_with_or_without_a_model_in_the_body() {
    for (JsonObject body : List.of(new JsonObject().put("input", "hello"),
        new JsonObject().put("input", "hello").put("model", "text-moderation-stable"))) {
      HttpResponse<Buffer> answer = post("/v1/moderations", body);
      assertEquals(200, answer.statusCode(), answer.bodyAsString());
      assertEquals(new JsonObject().put("input", "hello").put("model", "omni-moderation-2024-09-26"), moderated.get(moderated.size() - 1));
    }
  }

  @Test
  void image_generations_and_edits_go_to_the_image_generation_model_unless_a_path_names_one() {
    HttpResponse<Buffer> generated = post("/v1/images/generations", new JsonObject().put("model", "dalle").put("prompt", "A cat"));
    assertEquals(200, generated.statusCode(), generated.bodyAsString());
    assertEquals("/openai/deployments/my-dalle/images/generations?api-version=2024-02-01", media.last().uri());
    HttpResponse<Buffer> edited = await(gw.post("/v1/images/edits").putHeader("Authorization", "Bearer " + MASTER)
        .sendMultipartForm(MultipartForm.create().attribute("model", "dalle").attribute("prompt", "A hat")
            .binaryFileUpload("image", "a.png", Buffer.buffer("png"), "image/png")));
    assertEquals(200, edited.statusCode(), edited.bodyAsString());
    assertEquals("/openai/deployments/my-dalle/images/edits?api-version=2024-02-01", media.last().uri());
    HttpResponse<Buffer> pathModel = await(gw.post("/openai/deployments/dalle/images/generations").putHeader("api-key", MASTER)
        .sendJsonObject(new JsonObject().put("prompt", "A fox")));
    assertEquals(200, pathModel.statusCode(), pathModel.bodyAsString());
    assertEquals("/v1/images/generations", media.last().uri(), "the path's model wins");
  }
}
