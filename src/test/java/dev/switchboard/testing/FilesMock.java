package dev.switchboard.testing;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * OpenAI's Files and Batches APIs on loopback ({@code /v1/files...}, {@code /v1/batches...}) and
 * Azure's ({@code /openai/files...?api-version=} with {@code api-key}), strict about the wire: the
 * credentials, a multipart upload with {@code purpose} and {@code file} and no other field, a batch
 * body with only OpenAI's fields and an input file it knows. A test completes a batch with
 * {@link #complete}, giving the output file's lines.
 */
public final class FilesMock {

  /** One call as the mock read it. */
  public record Received(HttpMethod method, String uri, MultiMap headers, MultiMap form, JsonObject json) {
  }

  private static final Set<String> BATCH_FIELDS = Set.of("input_file_id", "endpoint", "completion_window", "metadata");

  private final Vertx vertx;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final Map<String, JsonObject> files = new ConcurrentHashMap<>();
  private final Map<String, Buffer> contents = new ConcurrentHashMap<>();
  private final Map<String, JsonObject> batches = new ConcurrentHashMap<>();
  private final AtomicInteger ids = new AtomicInteger();
  private HttpServer server;

  public FilesMock(Vertx vertx) {
    this.vertx = vertx;
  }

  public Future<FilesMock> start() {
    server = vertx.createHttpServer().requestHandler(this::handle);
    return server.listen(0, "127.0.0.1").map(s -> this);
  }

  public Future<Void> stop() {
    return server.close();
  }

  public int port() {
    return server.actualPort();
  }

  public List<Received> received() {
    return received;
  }

  public Received last() {
    return received.get(received.size() - 1);
  }

  /** The batch is done: its output file holds {@code outputLines}. */
  public void complete(String batchId, String outputLines) {
    String fileId = "file-out-" + ids.incrementAndGet();
    contents.put(fileId, Buffer.buffer(outputLines));
    files.put(fileId, fileObject(fileId, "batch_output.jsonl", "batch_output", outputLines.length()));
    batches.get(batchId).put("status", "completed").put("output_file_id", fileId);
  }

  private void handle(HttpServerRequest request) {
    boolean azure = request.path().startsWith("/openai/");
    boolean authorized = azure ? "az-key".equals(request.getHeader("api-key")) && request.getParam("api-version") != null
        : "Bearer sk-up".equals(request.getHeader("Authorization"));
    String path = azure ? request.path().substring("/openai".length()) : request.path().replaceFirst("^/v1", "");
    if (request.method() == HttpMethod.POST && path.equals("/files")) {
      request.setExpectMultipart(true);
      Map<String, Buffer> uploads = new ConcurrentHashMap<>();
      request.uploadHandler(upload -> {
        Buffer bytes = Buffer.buffer();
        upload.handler(bytes::appendBuffer).endHandler(v -> uploads.put(upload.name(), bytes));
      });
      request.endHandler(v -> {
        received.add(new Received(request.method(), request.uri(), request.headers(), request.formAttributes(), null));
        if (!authorized) {
          error(request, 401, "invalid_api_key");
        } else if (!uploads.containsKey("file") || request.formAttributes().get("purpose") == null
            || request.formAttributes().size() != 1) {
          error(request, 400, "expected exactly purpose and file, got " + request.formAttributes().names());
        } else {
          String id = "file-" + ids.incrementAndGet();
          contents.put(id, uploads.get("file"));
          JsonObject file = fileObject(id, "input.jsonl", request.formAttributes().get("purpose"), uploads.get("file").length());
          files.put(id, file);
          json(request, file);
        }
      });
      return;
    }
    request.body().onSuccess(body -> {
      JsonObject json = body.length() > 0 ? body.toJsonObject() : null;
      received.add(new Received(request.method(), request.uri(), request.headers(), MultiMap.caseInsensitiveMultiMap(), json));
      if (!authorized) {
        error(request, 401, "invalid_api_key");
        return;
      }
      String[] parts = path.split("/");
      String id = parts.length > 2 ? parts[2] : null;
      if (parts[1].equals("files") && id != null) {
        JsonObject file = files.get(id);
        if (file == null) {
          error(request, 404, "No such File object: " + id);
        } else if (parts.length > 3 && parts[3].equals("content")) {
          request.response().putHeader("content-type", "application/octet-stream").end(contents.get(id));
        } else if (request.method() == HttpMethod.DELETE) {
          files.remove(id);
          json(request, new JsonObject().put("id", id).put("object", "file").put("deleted", true));
        } else {
          json(request, file);
        }
      } else if (parts[1].equals("batches") && id == null && request.method() == HttpMethod.POST) {
        if (json == null || !BATCH_FIELDS.containsAll(json.fieldNames()) || !files.containsKey(json.getString("input_file_id"))) {
          error(request, 400, "bad batch body " + json);
          return;
        }
        String batchId = "batch_" + ids.incrementAndGet();
        JsonObject batch = new JsonObject().put("id", batchId).put("object", "batch").put("endpoint", json.getString("endpoint"))
            .put("input_file_id", json.getString("input_file_id")).put("completion_window", json.getString("completion_window"))
            .put("status", "validating").put("created_at", 1_700_000_000L)
            .put("request_counts", new JsonObject().put("total", 0).put("completed", 0).put("failed", 0));
        batches.put(batchId, batch);
        json(request, batch);
      } else if (parts[1].equals("batches") && id != null && batches.containsKey(id)) {
        if (parts.length > 3 && parts[3].equals("cancel")) {
          batches.get(id).put("status", "cancelling");
        }
        json(request, batches.get(id));
      } else {
        error(request, 404, "unknown path " + request.path());
      }
    });
  }

  private static JsonObject fileObject(String id, String name, String purpose, long bytes) {
    return new JsonObject().put("id", id).put("object", "file").put("bytes", bytes).put("created_at", 1_700_000_000L)
        .put("filename", name).put("purpose", purpose).put("status", "processed");
  }

  private static void json(HttpServerRequest request, JsonObject body) {
    request.response().putHeader("content-type", "application/json").end(body.encode());
  }

  private static void error(HttpServerRequest request, int status, String message) {
    request.response().setStatusCode(status).putHeader("content-type", "application/json")
        .end(new JsonObject().put("error", new JsonObject().put("message", message).put("type", "invalid_request_error")
            .put("param", null).put("code", null)).encode());
  }
}
