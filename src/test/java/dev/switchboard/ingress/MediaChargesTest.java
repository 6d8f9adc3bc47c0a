package dev.switchboard.ingress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What media calls are charged (spend rows with LiteLLM's call types, per-unit costs, the cost
 * header), how budgets count them before the call, and fallbacks that send a multipart form again.
 */
@ExtendWith(VertxExtension.class)
class MediaChargesTest {

  private static final String MASTER = "sk-media-master";
  private static final byte[] CLIP = "RIFF-fake-wav-audio".repeat(500).getBytes();

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.manual();

  private MediaMock media;

  @BeforeEach
  void start(Vertx vertx) {
    media = await(new MediaMock(vertx).start());
    String url = TestDatabase.newDatabaseUrl();
    await(gw.start(new MockProvider(vertx), m -> media.gatewayYaml(MASTER, url)));
  }

  @AfterEach
  void stop() {
    await(media.stop());
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private io.vertx.ext.web.client.HttpResponse<Buffer> post(String path, String key, JsonObject body) {
    return await(gw.post(path).putHeader("Authorization", "Bearer " + key).sendJsonObject(body));
  }

  private io.vertx.ext.web.client.HttpResponse<Buffer> upload(String path, String key, MultipartForm form) {
    return await(gw.post(path).putHeader("Authorization", "Bearer " + key).sendMultipartForm(form));
  }

  private static MultipartForm whisperForm(String model) {
    return MultipartForm.create().attribute("model", model).attribute("response_format", "text")
        .attribute("timestamp_granularities[]", "word").attribute("timestamp_granularities[]", "segment")
        .binaryFileUpload("file", "clip.wav", Buffer.buffer(CLIP), "audio/wav");
  }

  /** The upload is kept until the answer, so a fallback sends the same form again, to another provider. */
  @Test
  void a_failed_transcription_falls_back_with_the_whole_form() {
    var answer = upload("/v1/audio/transcriptions", MASTER, whisperForm("whisper-flaky"));
    assertEquals(200, answer.statusCode(), answer.bodyAsString());
    assertEquals("hello world\n", answer.bodyAsString());
    assertEquals("flaky-whisper", media.received().get(0).form().get("model"));
    MediaMock.Received fallback = media.last();
    assertEquals("/openai/deployments/my-whisper/audio/transcriptions?api-version=2024-06-01", fallback.uri());
    assertEquals("my-whisper", fallback.form().get("model"));
    assertEquals(List.of("word", "segment"), fallback.form().getAll("timestamp_granularities[]"));
    assertArrayEquals(CLIP, fallback.files().get("file").getBytes());
  }

  @Test
  void each_call_is_charged_per_unit_in_its_spend_row_and_cost_header(Vertx vertx) {
    String key = post("/key/generate", MASTER, new JsonObject().put("key_alias", "media")).bodyAsJsonObject().getString("key");
    var images = post("/v1/images/generations", key, new JsonObject().put("model", "dalle").put("prompt", "A cat").put("n", 2));
    assertEquals(0.08, Double.parseDouble(images.getHeader("x-litellm-response-cost")), 1e-12); // 2 images at 0.04
    var speech = post("/v1/audio/speech", key, new JsonObject().put("model", "tts").put("voice", "alloy").put("input", "Hello there"));
    assertEquals(11 * 0.000015, Double.parseDouble(speech.getHeader("x-litellm-response-cost")), 1e-12); // per character
    var transcript = upload("/v1/audio/transcriptions", key, MultipartForm.create().attribute("model", "whisper")
        .binaryFileUpload("file", "clip.wav", Buffer.buffer(CLIP), "audio/wav"));
    assertEquals(200, transcript.statusCode(), transcript.bodyAsString());
    assertEquals(7 * 0.0001, Double.parseDouble(transcript.getHeader("x-litellm-response-cost")), 1e-12); // 6.2 s, whole seconds
    await(Awaits.until(vertx, () -> gw.gateway().accounting().writer().writtenRows() >= 3, 10_000));
    JsonArray rows = await(gw.get("/spend/logs").putHeader("Authorization", "Bearer " + MASTER)
        .addQueryParam("api_key", key).send()).bodyAsJsonArray();
    assertEquals(3, rows.size(), rows.encode());
    for (Object item : rows) {
      JsonObject row = (JsonObject) item;
      switch (row.getString("model_group")) {
        case "dalle" -> assertRow(row, "aimage_generation", 0.08);
        case "tts" -> assertRow(row, "aspeech", 11 * 0.000015);
        case "whisper" -> assertRow(row, "atranscription", 7 * 0.0001);
        default -> throw new AssertionError(row.encode());
      }
    }
    List.of("dalle", "tts", "whisper").forEach(this::assertCounted);
  }

  /** Each model's line in the request counter, as chat's: counted once, answered 200. */
  private void assertCounted(String model) {
    long lines = gw.gateway().metrics().scrape().lines()
        .filter(line -> line.startsWith("litellm_proxy_total_requests_metric_total{") && line.contains("requested_model=\"" + model + "\"")
            && line.contains("status_code=\"200\"") && line.endsWith(" 1.0"))
        .count();
    assertEquals(1, lines, model);
  }

  private static void assertRow(JsonObject row, String callType, double spend) {
    assertEquals(callType, row.getString("call_type"), row.encode());
    assertEquals(spend, row.getDouble("spend"), 1e-12, row.encode());
  }

  /** The images asked for are reserved before the call, so a budget holds even for the first request. */
  @Test
  void a_budget_counts_the_images_asked_for_before_the_call() {
    String key = post("/key/generate", MASTER, new JsonObject().put("max_budget", 0.1)).bodyAsJsonObject().getString("key");
    var tooMany = post("/v1/images/generations", key, new JsonObject().put("model", "dalle").put("prompt", "A cat").put("n", 3));
    assertEquals(400, tooMany.statusCode(), tooMany.bodyAsString()); // 3 x 0.04 > 0.1
    assertTrue(tooMany.bodyAsString().contains("budget"), tooMany.bodyAsString());
    assertTrue(media.received().isEmpty(), "no provider was called");
    var fits = post("/v1/images/generations", key, new JsonObject().put("model", "dalle").put("prompt", "A cat").put("n", 2));
    assertEquals(200, fits.statusCode(), fits.bodyAsString());
    var over = post("/v1/images/generations", key, new JsonObject().put("model", "dalle").put("prompt", "A cat"));
    assertEquals(400, over.statusCode(), over.bodyAsString()); // 0.08 spent + 0.04 > 0.1
    assertEquals(1, media.received().size());
  }
}
