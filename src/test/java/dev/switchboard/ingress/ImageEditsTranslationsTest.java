package dev.switchboard.ingress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.audio.translations.TranslationCreateParams;
import com.openai.models.images.ImageEditParams;
import com.openai.models.images.ImagesResponse;
import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.MediaMock;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.multipart.MultipartForm;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /v1/images/edits} and {@code /v1/audio/translations}: multipart forms through the request
 * pipeline to OpenAI and Azure mocks that read them with Vert.x's own decoder, driven by the OpenAI SDK.
 */
@ExtendWith(VertxExtension.class)
class ImageEditsTranslationsTest {

  private static final String MASTER = "sk-media-master";
  private static final byte[] PNG = "\u0089PNG-fake-image-bytes".repeat(300).getBytes();
  private static final byte[] CLIP = "RIFF-fake-wav-audio".repeat(500).getBytes();

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.manual();

  private MediaMock media;
  private OpenAIClient openai;

  @BeforeEach
  void start(Vertx vertx) {
    media = await(new MediaMock(vertx).start());
    String url = TestDatabase.newDatabaseUrl();
    await(gw.start(new MockProvider(vertx), m -> media.gatewayYaml(MASTER, url)));
    openai = OpenAIOkHttpClient.builder().apiKey(MASTER).baseUrl("http://127.0.0.1:" + gw.port() + "/v1").maxRetries(0).build();
  }

  @AfterEach
  void stop() {
    openai.close();
    await(media.stop());
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private io.vertx.ext.web.client.HttpResponse<Buffer> upload(String path, String key, MultipartForm form) {
    return await(gw.post(path).putHeader("Authorization", "Bearer " + key).sendMultipartForm(form));
  }

  private io.vertx.ext.web.client.HttpResponse<Buffer> post(String path, String key, JsonObject body) {
    return await(gw.post(path).putHeader("Authorization", "Bearer " + key).sendJsonObject(body));
  }

  @Test
  void the_sdks_image_edit_reaches_openai_as_multipart_with_the_image_mask_and_deployments_model(@TempDir Path dir) throws Exception {
    Path image = Files.write(dir.resolve("cat.png"), PNG);
    Path mask = Files.write(dir.resolve("mask.png"), "mask".getBytes());
    ImagesResponse edited = openai.images().edit(ImageEditParams.builder().model("dalle").image(image).mask(mask)
        .prompt("Add a hat").n(2).size(ImageEditParams.Size._1024X1024).build());
    assertEquals(2, edited.data().orElseThrow().size());
    MediaMock.Received upstream = media.last();
    assertEquals("/v1/images/edits", upstream.uri());
    assertEquals("Bearer sk-up", upstream.headers().get("Authorization"));
    assertEquals("dall-e-3", upstream.form().get("model"));
    assertEquals("Add a hat", upstream.form().get("prompt"));
    assertEquals("2", upstream.form().get("n"));
    assertArrayEquals(PNG, upstream.files().get("image").getBytes());
    assertEquals("mask".length(), upstream.files().get("mask").length());
    assertTrue(upstream.fileNames().get("image").startsWith("cat.png|"), upstream.fileNames().toString());
  }

  @Test
  void several_images_under_image_brackets_and_litellms_azure_path_reach_the_azure_deployment() {
    MultipartForm form = MultipartForm.create().attribute("model", "dalle").attribute("prompt", "Merge them")
        .binaryFileUpload("image[]", "a.png", Buffer.buffer(PNG), "image/png")
        .binaryFileUpload("image[]", "b.png", Buffer.buffer("second"), "image/png");
    var answer = await(gw.post("/openai/deployments/azure-dalle/images/edits?api-version=2024-02-01")
        .putHeader("api-key", MASTER).sendMultipartForm(form));
    assertEquals(200, answer.statusCode(), answer.bodyAsString());
    MediaMock.Received upstream = media.last();
    assertEquals("/openai/deployments/my-dalle/images/edits?api-version=2024-02-01", upstream.uri());
    assertEquals("az-key", upstream.headers().get("api-key"));
    assertEquals("my-dalle", upstream.form().get("model"), "the path's deployment wins over the form's model");
    assertEquals(2, upstream.files().size(), upstream.fileNames().toString());
    assertArrayEquals(PNG, upstream.files().get("image[]").getBytes());
    for (String path : List.of("/v1/images/edits", "/images/edits")) {
      var plain = upload(path, MASTER, MultipartForm.create().attribute("model", "azure-dalle").attribute("prompt", "A hat")
          .binaryFileUpload("image", "a.png", Buffer.buffer(PNG), "image/png"));
      assertEquals(200, plain.statusCode(), plain.bodyAsString());
      assertEquals("/openai/deployments/my-dalle/images/edits?api-version=2024-02-01", media.last().uri());
    }
  }

  @Test
  void the_sdks_translation_upload_reaches_openai_and_azure(@TempDir Path dir) throws Exception {
    Path clip = Files.write(dir.resolve("hallo.wav"), CLIP);
    String text = openai.audio().translations().create(TranslationCreateParams.builder().model("whisper").file(clip).build())
        .asTranslation().text();
    assertEquals("hello in English", text);
    MediaMock.Received upstream = media.last();
    assertEquals("/v1/audio/translations", upstream.uri());
    assertEquals("whisper-1", upstream.form().get("model"));
    assertArrayEquals(CLIP, upstream.files().get("file").getBytes());
    for (String path : List.of("/v1/audio/translations", "/audio/translations")) {
      var azure = upload(path, MASTER, MultipartForm.create().attribute("model", "azure-whisper").attribute("response_format", "text")
          .binaryFileUpload("file", "hallo.wav", Buffer.buffer(CLIP), "audio/wav"));
      assertEquals(200, azure.statusCode(), azure.bodyAsString());
      assertEquals("hello in English\n", azure.bodyAsString());
      assertTrue(azure.getHeader("content-type").startsWith("text/plain"));
      assertEquals("/openai/deployments/my-whisper/audio/translations?api-version=2024-06-01", media.last().uri());
    }
  }

  @Test
  void spend_rows_carry_the_call_types_and_per_unit_costs(Vertx vertx) {
    String key = post("/key/generate", MASTER, new JsonObject().put("key_alias", "edits")).bodyAsJsonObject().getString("key");
    var edit = upload("/v1/images/edits", key, MultipartForm.create().attribute("model", "dalle").attribute("prompt", "A hat")
        .attribute("n", "3").binaryFileUpload("image", "a.png", Buffer.buffer(PNG), "image/png"));
    assertEquals(200, edit.statusCode(), edit.bodyAsString());
    assertEquals(3 * 0.04, Double.parseDouble(edit.getHeader("x-litellm-response-cost")), 1e-12);
    var translation = upload("/v1/audio/translations", key, MultipartForm.create().attribute("model", "whisper")
        .binaryFileUpload("file", "a.wav", Buffer.buffer(CLIP), "audio/wav"));
    assertEquals(200, translation.statusCode(), translation.bodyAsString());
    await(Awaits.until(vertx, () -> gw.gateway().accounting().writer().writtenRows() >= 2, 10_000));
    JsonArray rows = await(gw.get("/spend/logs").putHeader("Authorization", "Bearer " + MASTER)
        .addQueryParam("api_key", key).send()).bodyAsJsonArray();
    assertEquals(2, rows.size(), rows.encode());
    for (Object item : rows) {
      JsonObject row = (JsonObject) item;
      switch (row.getString("model_group")) {
        case "dalle" -> {
          assertEquals("aimage_edit", row.getString("call_type"));
          assertEquals(0.12, row.getDouble("spend"), 1e-12);
        }
        case "whisper" -> assertEquals("atranslation", row.getString("call_type"));
        default -> throw new AssertionError(row.encode());
      }
    }
  }

  /** gpt-image-1 reports its tokens, so they are its cost; a WAV upload answered as text costs its header's seconds. */
  @Test
  void a_token_priced_image_model_is_charged_its_answers_usage_and_a_text_transcript_its_wavs_seconds() {
    var edit = upload("/v1/images/edits", MASTER, MultipartForm.create().attribute("model", "gpt-image").attribute("prompt", "A hat")
        .attribute("quality", "high").binaryFileUpload("image", "a.png", Buffer.buffer(PNG), "image/png"));
    assertEquals(200, edit.statusCode(), edit.bodyAsString());
    assertEquals(4210, edit.bodyAsJsonObject().getJsonObject("usage").getInteger("total_tokens"), "the answer as sent");
    assertEquals(50 * 5e-6 + 4160 * 40e-6, Double.parseDouble(edit.getHeader("x-litellm-response-cost")), 1e-12);
    Buffer wav = dev.switchboard.model.MediaPricesTest.wav(16_000, 2, 16_000 * 2 * 5 + 10);
    for (String path : List.of("/v1/audio/translations", "/v1/audio/transcriptions")) {
      var text = upload(path, MASTER, MultipartForm.create().attribute("model", "whisper").attribute("response_format", "text")
          .binaryFileUpload("file", "a.wav", wav, "audio/wav"));
      assertEquals(200, text.statusCode(), text.bodyAsString());
      assertEquals(6 * 0.0001, Double.parseDouble(text.getHeader("x-litellm-response-cost")), 1e-12, path);
    }
  }

  @Test
  void a_key_without_access_is_refused_and_no_provider_is_called() {
    String key = post("/key/generate", MASTER, new JsonObject().put("models", new JsonArray().add("tts")))
        .bodyAsJsonObject().getString("key");
    var edit = upload("/v1/images/edits", key, MultipartForm.create().attribute("model", "dalle").attribute("prompt", "A hat")
        .binaryFileUpload("image", "a.png", Buffer.buffer(PNG), "image/png"));
    assertTrue(edit.statusCode() == 401 || edit.statusCode() == 403, edit.bodyAsString());
    var translation = upload("/v1/audio/translations", key, MultipartForm.create().attribute("model", "whisper")
        .binaryFileUpload("file", "a.wav", Buffer.buffer(CLIP), "audio/wav"));
    assertTrue(translation.statusCode() == 401 || translation.statusCode() == 403, translation.bodyAsString());
    assertTrue(media.received().isEmpty(), "no provider was called");
  }

  @Test
  void bad_input_is_a_400_naming_the_field() {
    assertEquals("image", param(upload("/v1/images/edits", MASTER, MultipartForm.create().attribute("model", "dalle")
        .attribute("prompt", "A hat"))));
    assertEquals("image", param(upload("/v1/images/edits", MASTER, MultipartForm.create().attribute("model", "dalle")
        .attribute("prompt", "A hat").attribute("image", "not a file"))));
    assertEquals("image", param(upload("/v1/images/edits", MASTER, MultipartForm.create().attribute("model", "dalle")
        .attribute("prompt", "A hat").binaryFileUpload("image", "a.png", Buffer.buffer(PNG), "image/png")
        .binaryFileUpload("image[]", "b.png", Buffer.buffer(PNG), "image/png"))));
    assertEquals("mask", param(upload("/v1/images/edits", MASTER, MultipartForm.create().attribute("model", "dalle")
        .attribute("prompt", "A hat").attribute("mask", "text").binaryFileUpload("image", "a.png", Buffer.buffer(PNG), "image/png"))));
    assertEquals("prompt", param(upload("/v1/images/edits", MASTER, MultipartForm.create().attribute("model", "dalle")
        .binaryFileUpload("image", "a.png", Buffer.buffer(PNG), "image/png"))));
    assertEquals("file", param(upload("/v1/audio/translations", MASTER, MultipartForm.create().attribute("model", "whisper"))));
    assertEquals("model", param(upload("/v1/audio/translations", MASTER, MultipartForm.create()
        .binaryFileUpload("file", "a.wav", Buffer.buffer(CLIP), "audio/wav"))));
    var json = post("/v1/images/edits", MASTER, new JsonObject().put("model", "dalle").put("prompt", "A hat"));
    assertEquals(400, json.statusCode());
    assertTrue(json.bodyAsJsonObject().getJsonObject("error").getString("message").contains("multipart/form-data"));
    OpenAIServiceException refused = assertThrows(OpenAIServiceException.class, () -> openai.images().edit(ImageEditParams.builder()
        .model("claude").image(PNG).prompt("A hat").build()));
    assertEquals(400, refused.statusCode(), "a provider without the endpoint");
    assertTrue(media.received().isEmpty(), "no provider was called");
  }

  private static String param(io.vertx.ext.web.client.HttpResponse<Buffer> answer) {
    assertEquals(400, answer.statusCode(), answer.bodyAsString());
    return answer.bodyAsJsonObject().getJsonObject("error").getString("param");
  }
}
