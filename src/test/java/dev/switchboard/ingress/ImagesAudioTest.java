package dev.switchboard.ingress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponse;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.audio.speech.SpeechCreateParams;
import com.openai.models.audio.transcriptions.TranscriptionCreateParams;
import com.openai.models.images.ImageGenerateParams;
import com.openai.models.images.ImagesResponse;
import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.MediaMock;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.multipart.MultipartForm;
import io.vertx.junit5.VertxExtension;
import java.io.InputStream;
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
 * {@code /v1/images/generations}, {@code /v1/audio/speech} and {@code /v1/audio/transcriptions}
 * through the request pipeline, driven by the OpenAI SDK and Vert.x's multipart encoder, against
 * OpenAI and Azure mocks that check the wire: keys, access, refusals for providers without the
 * endpoint, and provider errors passed on in OpenAI's shape. What they are charged: {@link MediaChargesTest}.
 */
@ExtendWith(VertxExtension.class)
class ImagesAudioTest {

  private static final String MASTER = "sk-media-master";
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
    openai = client(MASTER);
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

  private OpenAIClient client(String key) {
    return OpenAIOkHttpClient.builder().apiKey(key).baseUrl("http://127.0.0.1:" + gw.port() + "/v1").maxRetries(0).build();
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

  @Test
  void the_sdks_images_generate_reaches_openai_as_json_with_the_deployments_model() {
    ImagesResponse images = openai.images().generate(ImageGenerateParams.builder().model("dalle")
        .prompt("A cat in a hat").n(2).size("1024x1024").build());
    assertEquals(2, images.data().orElseThrow().size());
    assertEquals("https://images.example/1.png", images.data().orElseThrow().get(1).url().orElseThrow());
    MediaMock.Received upstream = media.last();
    assertEquals("/v1/images/generations", upstream.uri());
    assertEquals("Bearer sk-up", upstream.headers().get("Authorization"));
    assertEquals(new JsonObject().put("model", "dall-e-3").put("prompt", "A cat in a hat").put("n", 2).put("size", "1024x1024"),
        upstream.json());
  }

  @Test
  void an_azure_image_deployment_gets_its_deployment_url_and_api_key_on_every_path() {
    for (String path : List.of("/v1/images/generations", "/images/generations")) {
      var answer = post(path, MASTER, new JsonObject().put("model", "azure-dalle").put("prompt", "A dog")
          .put("metadata", new JsonObject().put("tags", new JsonArray().add("team-a"))));
      assertEquals(200, answer.statusCode(), answer.bodyAsString());
      assertEquals("application/json", answer.getHeader("content-type"));
      assertEquals(1, answer.bodyAsJsonObject().getJsonArray("data").size());
      MediaMock.Received upstream = media.last();
      assertEquals("/openai/deployments/my-dalle/images/generations?api-version=2024-02-01", upstream.uri());
      assertEquals("az-key", upstream.headers().get("api-key"));
      assertNull(upstream.headers().get("Authorization"));
      assertEquals(new JsonObject().put("model", "my-dalle").put("prompt", "A dog"), upstream.json(), "the gateway's metadata stays behind");
    }
  }

  /** As an AzureOpenAI client calls it: the deployment in the path is the model, the key in api-key. */
  @Test
  void litellms_azure_compatible_path_routes_by_the_deployment_it_names() {
    var answer = await(gw.post("/openai/deployments/azure-dalle/images/generations?api-version=2024-02-01")
        .putHeader("api-key", MASTER).sendJsonObject(new JsonObject().put("model", "dalle").put("prompt", "A fox")));
    assertEquals(200, answer.statusCode(), answer.bodyAsString());
    assertEquals("/openai/deployments/my-dalle/images/generations?api-version=2024-02-01", media.last().uri());
    assertEquals("my-dalle", media.last().json().getString("model"));
  }

  @Test
  void speech_comes_back_as_the_providers_audio_bytes_and_content_type() throws Exception {
    try (HttpResponse speech = openai.audio().speech().create(SpeechCreateParams.builder().model("tts")
        .voice("alloy").input("Hello there").build()); InputStream body = speech.body()) {
      assertEquals(200, speech.statusCode());
      assertEquals("audio/mpeg", speech.headers().values("content-type").get(0));
      assertArrayEquals(MediaMock.AUDIO.getBytes(), body.readAllBytes());
    }
    MediaMock.Received upstream = media.last();
    assertEquals("/v1/audio/speech", upstream.uri());
    assertEquals("Bearer sk-up", upstream.headers().get("Authorization"));
    assertEquals("tts-1", upstream.json().getString("model"));
    assertEquals("alloy", upstream.json().getString("voice"));
    assertEquals("Hello there", upstream.json().getString("input"));
  }

  /** The provider holds the rest of its audio until the client has its first bytes: only a relay that streams gets there. */
  @Test
  void speech_reaches_the_client_as_it_comes_not_once_whole(Vertx vertx) {
    Buffer received = Buffer.buffer();
    Promise<Void> done = Promise.promise();
    vertx.createHttpClient().request(HttpMethod.POST, gw.port(), "127.0.0.1", "/v1/audio/speech")
        .compose(request -> request.putHeader("Authorization", "Bearer " + MASTER).putHeader("content-type", "application/json")
            .send(new JsonObject().put("model", "tts").put("voice", "alloy").put("input", "Wait for me").encode()))
        .onSuccess(response -> response.handler(chunk -> {
          received.appendBuffer(chunk);
          media.speechHeld.tryComplete(); // the first bytes are here while the provider still holds the rest
        }).endHandler(v -> done.tryComplete()).exceptionHandler(done::tryFail))
        .onFailure(done::tryFail);
    await(done.future());
    assertEquals(MediaMock.AUDIO, received);
  }

  @Test
  void the_sdks_transcription_upload_is_forwarded_as_multipart_with_the_deployments_model(@TempDir Path dir) throws Exception {
    Path clip = Files.write(dir.resolve("clip.wav"), CLIP);
    String text = openai.audio().transcriptions().create(TranscriptionCreateParams.builder().model("whisper")
        .file(clip).build()).asTranscription().text();
    assertEquals("hello world", text);
    MediaMock.Received upstream = media.last();
    assertEquals("/v1/audio/transcriptions", upstream.uri());
    assertEquals("Bearer sk-up", upstream.headers().get("Authorization"));
    assertTrue(upstream.headers().get("content-type").startsWith("multipart/form-data; boundary="));
    assertEquals("whisper-1", upstream.form().get("model"));
    assertArrayEquals(CLIP, upstream.files().get("file").getBytes());
    assertTrue(upstream.fileNames().get("file").startsWith("clip.wav|"), upstream.fileNames().toString());
  }

  @Test
  void an_azure_transcription_keeps_every_field_and_passes_a_text_answer_through() {
    var answer = upload("/audio/transcriptions", MASTER, whisperForm("azure-whisper"));
    assertEquals(200, answer.statusCode(), answer.bodyAsString());
    assertEquals("hello world\n", answer.bodyAsString());
    assertTrue(answer.getHeader("content-type").startsWith("text/plain"));
    MediaMock.Received upstream = media.last();
    assertEquals("/openai/deployments/my-whisper/audio/transcriptions?api-version=2024-06-01", upstream.uri());
    assertEquals("az-key", upstream.headers().get("api-key"));
    assertEquals("my-whisper", upstream.form().get("model"));
    assertEquals(List.of("word", "segment"), upstream.form().getAll("timestamp_granularities[]"));
    assertEquals("clip.wav|audio/wav", upstream.fileNames().get("file"));
    assertArrayEquals(CLIP, upstream.files().get("file").getBytes());
  }

  @Test
  void a_key_without_access_to_the_model_is_refused_and_no_provider_is_called() {
    String key = post("/key/generate", MASTER, new JsonObject().put("models", new JsonArray().add("dalle")))
        .bodyAsJsonObject().getString("key");
    var speech = post("/v1/audio/speech", key, new JsonObject().put("model", "tts").put("voice", "alloy").put("input", "Hi"));
    assertTrue(speech.statusCode() == 401 || speech.statusCode() == 403, speech.bodyAsString());
    var transcript = upload("/v1/audio/transcriptions", key, whisperForm("whisper"));
    assertTrue(transcript.statusCode() == 401 || transcript.statusCode() == 403, transcript.bodyAsString());
    OpenAIClient limited = client(key);
    try {
      OpenAIServiceException refused = assertThrows(OpenAIServiceException.class, () -> limited.images()
          .generate(ImageGenerateParams.builder().model("azure-dalle").prompt("A cat").build()));
      assertTrue(refused.statusCode() == 401 || refused.statusCode() == 403, String.valueOf(refused.statusCode()));
    } finally {
      limited.close();
    }
    var noKey = await(gw.post("/v1/images/generations").sendJsonObject(new JsonObject().put("model", "dalle").put("prompt", "A")));
    assertEquals(401, noKey.statusCode());
    assertTrue(media.received().isEmpty(), "no provider was called");
  }

  @Test
  void a_provider_without_the_endpoint_is_a_400_naming_it() {
    var answer = post("/v1/images/generations", MASTER, new JsonObject().put("model", "claude").put("prompt", "A cat"));
    assertEquals(400, answer.statusCode(), answer.bodyAsString());
    JsonObject error = answer.bodyAsJsonObject().getJsonObject("error");
    assertTrue(error.getString("message").contains("anthropic"), error.encode());
    assertTrue(error.getString("message").contains("/images/generations"), error.encode());
    assertEquals("invalid_request_error", error.getString("type"));
    var speech = post("/v1/audio/speech", MASTER, new JsonObject().put("model", "claude").put("voice", "alloy").put("input", "Hi"));
    assertEquals(400, speech.statusCode());
    assertTrue(speech.bodyAsJsonObject().getJsonObject("error").getString("message").contains("/audio/speech"));
    assertTrue(media.received().isEmpty(), "no provider was called");
  }

  @Test
  void a_provider_error_comes_back_in_openais_shape() {
    OpenAIServiceException refused = assertThrows(OpenAIServiceException.class, () -> openai.images()
        .generate(ImageGenerateParams.builder().model("refused").prompt("Something forbidden").build()));
    assertEquals(400, refused.statusCode());
    assertEquals("content_policy_violation", refused.code().orElseThrow());
    assertEquals("/v1/images/generations", media.last().uri());
  }

  @Test
  void bad_input_is_a_400_naming_the_field() {
    var noPrompt = post("/v1/images/generations", MASTER, new JsonObject().put("model", "dalle"));
    assertEquals(400, noPrompt.statusCode());
    assertEquals("prompt", noPrompt.bodyAsJsonObject().getJsonObject("error").getString("param"));
    var noInput = post("/v1/audio/speech", MASTER, new JsonObject().put("model", "tts").put("voice", "alloy"));
    assertEquals("input", noInput.bodyAsJsonObject().getJsonObject("error").getString("param"));
    var noFile = upload("/v1/audio/transcriptions", MASTER, MultipartForm.create().attribute("model", "whisper"));
    assertEquals(400, noFile.statusCode());
    assertEquals("file", noFile.bodyAsJsonObject().getJsonObject("error").getString("param"));
    var noModel = upload("/v1/audio/transcriptions", MASTER, MultipartForm.create()
        .binaryFileUpload("file", "clip.wav", Buffer.buffer(CLIP), "audio/wav"));
    assertEquals("model", noModel.bodyAsJsonObject().getJsonObject("error").getString("param"));
    var json = post("/v1/audio/transcriptions", MASTER, new JsonObject().put("model", "whisper"));
    assertEquals(400, json.statusCode());
    assertTrue(json.bodyAsJsonObject().getJsonObject("error").getString("message").contains("multipart/form-data"));
    assertTrue(media.received().isEmpty(), "no provider was called");
  }
}
