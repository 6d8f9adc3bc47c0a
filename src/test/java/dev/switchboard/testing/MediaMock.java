package dev.switchboard.testing;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * OpenAI's and Azure's image and audio endpoints on loopback, strict about the wire: the path,
 * the credentials header each expects, a JSON body for images and speech, a multipart form (read by
 * Vert.x's own decoder) for transcriptions, translations and image edits (gpt-image models answer with usage). Model {@code refused-image} answers OpenAI's 400,
 * {@code flaky-whisper} a 503.
 */
public final class MediaMock {

  /** One call as the mock read it: its JSON body, or its form fields and files. */
  public record Received(String uri, MultiMap headers, JsonObject json, MultiMap form, Map<String, Buffer> files,
      Map<String, String> fileNames) {
  }

  public static final Buffer AUDIO = Buffer.buffer("ID3-fake-mp3-bytes-").appendString("x".repeat(20_000));

  private final Vertx vertx;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  /** Completed by a test to let a held speech answer ({@code input: "Wait for me"}) finish. */
  public final Promise<Void> speechHeld = Promise.promise();
  private HttpServer server;

  public MediaMock(Vertx vertx) {
    this.vertx = vertx;
  }

  public Future<MediaMock> start() {
    server = vertx.createHttpServer().requestHandler(this::handle);
    return server.listen(0, "127.0.0.1").map(s -> this);
  }

  public int port() {
    return server.actualPort();
  }

  /**
   * A gateway config with OpenAI and Azure image, speech and transcription deployments on this mock,
   * one refused by it ({@code refused}), one failing over to Azure ({@code whisper-flaky}), and an
   * Anthropic one, which has no media endpoints ({@code claude}).
   */
  public String gatewayYaml(String masterKey, String databaseUrl) {
    return """
        model_list:
          - model_name: dalle
            litellm_params: {model: openai/dall-e-3, api_base: "http://127.0.0.1:%1$d/v1", api_key: sk-up}
          - model_name: azure-dalle
            litellm_params: {model: azure/my-dalle, api_base: "http://127.0.0.1:%1$d", api_key: az-key, api_version: "2024-02-01"}
            model_info: {base_model: dall-e-3}
          - model_name: tts
            litellm_params: {model: openai/tts-1, api_base: "http://127.0.0.1:%1$d/v1", api_key: sk-up}
          - model_name: whisper
            litellm_params: {model: openai/whisper-1, api_base: "http://127.0.0.1:%1$d/v1", api_key: sk-up}
          - model_name: azure-whisper
            litellm_params: {model: azure/my-whisper, api_base: "http://127.0.0.1:%1$d", api_key: az-key, api_version: "2024-06-01"}
            model_info: {base_model: whisper-1}
          - model_name: refused
            litellm_params: {model: openai/refused-image, api_base: "http://127.0.0.1:%1$d/v1", api_key: sk-up}
          - model_name: claude
            litellm_params: {model: anthropic/claude-sonnet-4-5, api_base: "http://127.0.0.1:%1$d", api_key: sk-ant}
          - model_name: whisper-flaky
            litellm_params: {model: openai/flaky-whisper, api_base: "http://127.0.0.1:%1$d/v1", api_key: sk-up}
          - model_name: gpt-image
            litellm_params: {model: openai/gpt-image-1, api_base: "http://127.0.0.1:%1$d/v1", api_key: sk-up}
        router_settings:
          fallbacks: [{whisper-flaky: [azure-whisper]}]
        general_settings: {master_key: %2$s, database_url: "%3$s", proxy_batch_write_at: 0.05, strict_budgets: true}
        """.formatted(port(), masterKey, databaseUrl);
  }

  public List<Received> received() {
    return received;
  }

  public Received last() {
    return received.get(received.size() - 1);
  }

  private void handle(HttpServerRequest request) {
    boolean azure = request.path().startsWith("/openai/deployments/");
    boolean authorized = azure ? "az-key".equals(request.getHeader("api-key")) && request.getParam("api-version") != null
        : "Bearer sk-up".equals(request.getHeader("Authorization"));
    if (request.path().endsWith("/images/edits")) {
      multipart(request, (form, files) -> {
        if (!authorized) {
          error(request, 401, "invalid_api_key");
        } else if (!(files.containsKey("image") || files.containsKey("image[]")) || form.get("prompt") == null || form.get("model") == null) {
          error(request, 400, "missing_image_prompt_or_model");
        } else {
          JsonArray data = new JsonArray();
          for (int i = 0; i < Integer.parseInt(form.get("n") == null ? "1" : form.get("n")); i++) {
            data.add(new JsonObject().put("b64_json", "aW1hZ2U=" + i));
          }
          JsonObject answer = new JsonObject().put("created", 1_700_000_000).put("data", data);
          if (form.get("model").startsWith("gpt-image")) {
            // gpt-image-1 reports its tokens, last in its answer
            answer.put("usage", new JsonObject().put("input_tokens", 50).put("output_tokens", 4160).put("total_tokens", 4210)
                .put("input_tokens_details", new JsonObject().put("text_tokens", 10).put("image_tokens", 40)));
          }
          request.response().putHeader("content-type", "application/json").end(answer.encode());
        }
      });
      return;
    }
    if (request.path().endsWith("/audio/translations")) {
      multipart(request, (form, files) -> {
        if (!authorized) {
          error(request, 401, "invalid_api_key");
        } else if (!files.containsKey("file") || form.get("model") == null) {
          error(request, 400, "missing_file_or_model");
        } else if (form.get("response_format") != null && !"json".equals(form.get("response_format"))) {
          request.response().putHeader("content-type", "text/plain; charset=utf-8").end("hello in English\n");
        } else {
          request.response().putHeader("content-type", "application/json").end(new JsonObject().put("text", "hello in English").encode());
        }
      });
      return;
    }
    if (request.path().endsWith("/audio/transcriptions")) {
      request.setExpectMultipart(true);
      Map<String, Buffer> files = new ConcurrentHashMap<>();
      Map<String, String> names = new ConcurrentHashMap<>();
      request.uploadHandler(upload -> {
        Buffer bytes = Buffer.buffer();
        names.put(upload.name(), upload.filename() + "|" + upload.contentType());
        upload.handler(bytes::appendBuffer).endHandler(v -> files.put(upload.name(), bytes));
      });
      request.endHandler(v -> {
        received.add(new Received(request.uri(), request.headers(), null, request.formAttributes(), files, names));
        if (!authorized) {
          error(request, 401, "invalid_api_key");
        } else if ("flaky-whisper".equals(request.formAttributes().get("model"))) {
          error(request, 503, "overloaded");
        } else if (!files.containsKey("file") || request.formAttributes().get("model") == null) {
          error(request, 400, "missing_file_or_model");
        } else if ("text".equals(request.formAttributes().get("response_format"))) {
          request.response().putHeader("content-type", "text/plain; charset=utf-8").end("hello world\n");
        } else {
          request.response().putHeader("content-type", "application/json").end(new JsonObject().put("text", "hello world")
              .put("usage", new JsonObject().put("type", "duration").put("seconds", 6.2)).encode());
        }
      });
      return;
    }
    request.body().onSuccess(body -> {
      JsonObject json = "application/json".equals(request.getHeader("content-type")) ? body.toJsonObject() : null;
      received.add(new Received(request.uri(), request.headers(), json, MultiMap.caseInsensitiveMultiMap(), Map.of(), Map.of()));
      if (!authorized) {
        error(request, 401, "invalid_api_key");
      } else if (json == null) {
        error(request, 400, "not_json");
      } else if ("refused-image".equals(json.getString("model"))) {
        error(request, 400, "content_policy_violation");
      } else if (request.path().endsWith("/images/generations")) {
        JsonArray data = new JsonArray();
        for (int i = 0; i < json.getInteger("n", 1); i++) {
          data.add(new JsonObject().put("url", "https://images.example/" + i + ".png").put("revised_prompt", "A cat, " + i));
        }
        request.response().putHeader("content-type", "application/json")
            .end(new JsonObject().put("created", 1_700_000_000).put("data", data).encode());
      } else if (request.path().endsWith("/audio/speech")) {
        // In chunks, with no length: the gateway must relay them as they come.
        request.response().setChunked(true).putHeader("content-type", "audio/mpeg");
        request.response().write(AUDIO.slice(0, 4096));
        // "Wait for me": the rest only once the test has seen the first chunk come through the gateway.
        Future<Void> rest = "Wait for me".equals(json.getString("input")) ? speechHeld.future() : Future.succeededFuture();
        rest.onComplete(v -> {
          for (int at = 4096; at < AUDIO.length(); at += 4096) {
            request.response().write(AUDIO.slice(at, Math.min(AUDIO.length(), at + 4096)));
          }
          request.response().end();
        });
      } else {
        error(request, 404, "unknown_path");
      }
    });
  }

  /** Reads a multipart form with Vert.x's own decoder, records it, then lets {@code answer} reply. */
  private void multipart(HttpServerRequest request, java.util.function.BiConsumer<MultiMap, Map<String, Buffer>> answer) {
    request.setExpectMultipart(true);
    Map<String, Buffer> files = new ConcurrentHashMap<>();
    Map<String, String> names = new ConcurrentHashMap<>();
    request.uploadHandler(upload -> {
      Buffer bytes = Buffer.buffer();
      // a repeated file part is kept under its name with its position: image, image#1, ...
      String key = files.containsKey(upload.name()) || names.containsKey(upload.name()) ? upload.name() + "#" + names.size() : upload.name();
      names.put(key, upload.filename() + "|" + upload.contentType());
      upload.handler(bytes::appendBuffer).endHandler(v -> files.put(key, bytes));
    });
    request.endHandler(v -> {
      received.add(new Received(request.uri(), request.headers(), null, request.formAttributes(), files, names));
      answer.accept(request.formAttributes(), files);
    });
  }

  private static void error(HttpServerRequest request, int status, String code) {
    request.response().setStatusCode(status).putHeader("content-type", "application/json")
        .end(new JsonObject().put("error", new JsonObject().put("message", "Refused by the mock: " + code)
            .put("type", "invalid_request_error").putNull("param").put("code", code)).encode());
  }

  public Future<Void> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
