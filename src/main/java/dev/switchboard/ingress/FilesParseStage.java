package dev.switchboard.ingress;

import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.CallBody;
import dev.switchboard.model.MediaCalls;
import dev.switchboard.model.Operation;
import dev.switchboard.pipeline.Stage;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * Reads and checks a Files or Batches call before anything else is asked: the upload's form (its
 * {@code file} and {@code purpose}), a batch's {@code input_file_id}, {@code endpoint} and
 * {@code completion_window}; a 400 naming the first problem. The model a call names (form field,
 * query {@code ?model=}, header {@code x-litellm-model}, or {@code target_model_names}) becomes the
 * request's model for the stages that follow.
 */
final class FilesParseStage implements Stage<ModelCall> {

  /** OpenAI's upload purposes. */
  private static final Set<String> PURPOSES = Set.of("assistants", "batch", "fine-tune", "vision", "user_data", "evals");
  private static final Set<String> ENDPOINTS = Set.of("/v1/chat/completions", "/v1/embeddings", "/v1/completions",
      "/v1/responses", "/v1/moderations", "/chat/completions", "/embeddings", "/completions", "/responses");

  private final FilesCall files;

  FilesParseStage(FilesCall files) {
    this.files = files;
  }

  @Override
  public String name() {
    return "parse";
  }

  @Override
  public Future<Void> before(ModelCall request) {
    if (files.action == FilesCall.Action.FILE_CREATE) {
      files.body = MultipartForm.read(request.raw, request.headers.get(HttpHeaders.CONTENT_TYPE));
      if (!MediaCalls.isFile(files.body.getValue("file"))) {
        throw GatewayError.badRequest("file", "Missing required 'file' part: the file to upload, sent as a file in the form.");
      }
      if (!(files.body.getValue("purpose") instanceof String purpose) || !PURPOSES.contains(purpose)) {
        throw GatewayError.badRequest("purpose", "'purpose' is required: one of " + String.join(", ", PURPOSES.stream().sorted().toList()) + ".");
      }
    } else if (files.action == FilesCall.Action.BATCH_CREATE) {
      files.body = ModelRequest.jsonObject(request.raw);
      text(files.body, "input_file_id", "the id of an uploaded file with purpose 'batch'");
      String endpoint = text(files.body, "endpoint", "the API every request of the batch goes to, such as /v1/chat/completions");
      if (!ENDPOINTS.contains(endpoint)) {
        throw GatewayError.badRequest("endpoint", "'endpoint' must be one of " + String.join(", ", ENDPOINTS.stream().sorted().toList()) + ".");
      }
      text(files.body, "completion_window", "the time frame to process the batch in: 24h");
    }
    request.raw = null;
    String model = named(request);
    request.call = new ModelRequest(Operation.CHAT, new CallBody(files.body, false), model, false, false);
    request.callType = files.action.callType;
    return Future.succeededFuture();
  }

  /** The model the caller names for its upload or batch, or null. */
  private String named(ModelCall request) {
    String model = files.param("model");
    if (model != null) {
      return model;
    }
    String header = request.headers.get("x-litellm-model");
    if (header != null && !header.isBlank()) {
      return header.trim();
    }
    String list = files.param("target_model_names");
    if (list != null) {
      String[] names = list.split(",");
      if (names.length > 1) {
        throw GatewayError.badRequest("target_model_names", "'target_model_names' may name one model here: each file "
            + "and batch lives at one deployment of it.");
      }
      return names[0].trim();
    }
    return null;
  }

  private static String text(JsonObject body, String field, String what) {
    if (!(body.getValue(field) instanceof String value) || value.isBlank()) {
      throw GatewayError.badRequest(field, "'" + field + "' is required: " + what + ".");
    }
    return value;
  }
}
