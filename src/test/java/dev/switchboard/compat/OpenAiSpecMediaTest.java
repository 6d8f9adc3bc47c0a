package dev.switchboard.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.MediaMock;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.multipart.MultipartForm;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Images and audio against OpenAI's OpenAPI schema ({@link OpenAiSpec}). Their answers are the
 * provider's bytes passed through (OpenAI and Azure are the only providers with these endpoints),
 * so what the gateway writes itself is checked hardest: every refusal's error body.
 */
@ExtendWith(VertxExtension.class)
class OpenAiSpecMediaTest {

  private static final String MASTER = "sk-spec-media-master-0123";
  private static final Buffer CLIP = Buffer.buffer("RIFF-fake-wav-audio".repeat(200));

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.manual();

  private MediaMock media;
  private final List<String> problems = new ArrayList<>();

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

  private HttpResponse<Buffer> json(String path, String key, JsonObject body) {
    var request = gw.post(path);
    if (key != null) {
      request.putHeader("Authorization", "Bearer " + key);
    }
    return await(request.sendJsonObject(body));
  }

  private HttpResponse<Buffer> form(String path, MultipartForm form) {
    return await(gw.post(path).putHeader("Authorization", "Bearer " + MASTER).sendMultipartForm(form));
  }

  private void check(String what, int status, String schema, HttpResponse<Buffer> response) {
    if (response.statusCode() != status) {
      problems.add(what + ": status " + response.statusCode() + ", not " + status + ": " + response.bodyAsString());
    }
    String found = OpenAiSpec.problems(schema, response.bodyAsString());
    if (!found.isEmpty()) {
      problems.add(what + " is not a " + schema + ": " + found + " in " + response.bodyAsString());
    }
  }

  @Test
  void image_and_transcription_answers_and_every_refusal_conform() {
    JsonObject image = new JsonObject().put("model", "dalle").put("prompt", "A cat in a hat");
    check("an image answer", 200, "ImagesResponse", json("/v1/images/generations", MASTER, image));
    check("a transcription as JSON", 200, "CreateTranscriptionResponseJson", form("/v1/audio/transcriptions",
        MultipartForm.create().attribute("model", "whisper").binaryFileUpload("file", "clip.wav", CLIP, "audio/wav")));

    check("no key", 401, "ErrorResponse", json("/v1/images/generations", null, image));
    check("no prompt", 400, "ErrorResponse", json("/v1/images/generations", MASTER, new JsonObject().put("model", "dalle")));
    check("a provider without images", 400, "ErrorResponse",
        json("/v1/images/generations", MASTER, image.copy().put("model", "claude")));
    check("the provider's own refusal", 400, "ErrorResponse",
        json("/v1/images/generations", MASTER, image.copy().put("model", "refused")));
    check("a transcription without a file", 400, "ErrorResponse",
        form("/v1/audio/transcriptions", MultipartForm.create().attribute("model", "whisper")));
    check("speech without input", 400, "ErrorResponse",
        json("/v1/audio/speech", MASTER, new JsonObject().put("model", "tts").put("voice", "alloy")));
    assertEquals(List.of(), problems);
  }
}
