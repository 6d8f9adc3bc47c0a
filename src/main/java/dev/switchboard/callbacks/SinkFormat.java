package dev.switchboard.callbacks;

import dev.switchboard.config.CallbackSettings;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** How one sink's batch of StandardLoggingPayloads is written on the wire. */
@FunctionalInterface
interface SinkFormat {

  Buffer body(List<JsonObject> payloads);

  static SinkFormat of(CallbackSettings.Sink sink) {
    return switch (sink.kind()) {
      case LANGFUSE -> SinkFormat::langfuse;
      case DATADOG -> payloads -> datadog(payloads, sink.extra());
      case GENERIC_API -> payloads -> new JsonArray(List.copyOf(payloads)).toBuffer();
      case S3, GCS_BUCKET -> throw new IllegalArgumentException(sink.kind() + " uploads objects; it has no post body");
    };
  }

  /**
   * Langfuse's ingestion batch: per request a {@code trace-create} and a {@code generation-create}
   * (its model, input, output, token usage and cost, times, level ERROR on failure), each event
   * with its own id and timestamp.
   */
  static Buffer langfuse(List<JsonObject> payloads) {
    JsonArray batch = new JsonArray();
    for (JsonObject p : payloads) {
      String traceId = p.getString("trace_id");
      String now = Instant.now().toString();
      JsonObject metadata = p.getJsonObject("metadata", new JsonObject());
      boolean failed = "failure".equals(p.getString("status"));
      batch.add(new JsonObject().put("id", UUID.randomUUID().toString()).put("type", "trace-create")
          .put("timestamp", now)
          .put("body", new JsonObject().put("id", traceId).put("name", "litellm-" + p.getString("call_type"))
              .put("timestamp", iso(p.getDouble("startTime")))
              .put("userId", p.getString("end_user") != null ? p.getString("end_user")
                  : metadata.getString("user_api_key_user_id"))
              .put("input", p.getValue("messages")).put("output", p.getValue("response"))
              .put("tags", p.getJsonArray("request_tags")).put("metadata", metadata)));
      batch.add(new JsonObject().put("id", UUID.randomUUID().toString()).put("type", "generation-create")
          .put("timestamp", now)
          .put("body", new JsonObject().put("id", p.getString("id")).put("traceId", traceId)
              .put("name", "litellm-" + p.getString("call_type"))
              .put("startTime", iso(p.getDouble("startTime"))).put("endTime", iso(p.getDouble("endTime")))
              .put("completionStartTime", iso(p.getDouble("completionStartTime")))
              .put("model", p.getString("model")).put("modelParameters", p.getJsonObject("model_parameters"))
              .put("input", p.getValue("messages")).put("output", p.getValue("response"))
              .put("usage", new JsonObject().put("input", p.getLong("prompt_tokens"))
                  .put("output", p.getLong("completion_tokens")).put("total", p.getLong("total_tokens"))
                  .put("unit", "TOKENS").put("totalCost", p.getDouble("response_cost")))
              .put("metadata", metadata.copy().put("model_group", p.getString("model_group"))
                  .put("model_id", p.getString("model_id")).put("api_base", p.getString("api_base")))
              .put("level", failed ? "ERROR" : "DEFAULT")
              .put("statusMessage", p.getString("error_str"))));
    }
    return new JsonObject().put("batch", batch)
        .put("metadata", new JsonObject().put("batch_size", batch.size()).put("sdk_name", "switchboard"))
        .toBuffer();
  }

  /** Datadog's logs intake: one log per request, the payload as its JSON {@code message}, LiteLLM's tags. */
  static Buffer datadog(List<JsonObject> payloads, Map<String, String> extra) {
    JsonArray logs = new JsonArray();
    String baseTags = "env:" + extra.get("env") + ",service:" + extra.get("service") + ",version:"
        + extra.get("version") + ",HOSTNAME:" + extra.get("hostname") + ",POD_NAME:" + extra.get("pod");
    for (JsonObject p : payloads) {
      StringBuilder tags = new StringBuilder(baseTags);
      JsonArray requestTags = p.getJsonArray("request_tags", new JsonArray());
      requestTags.forEach(tag -> tags.append(",request_tag:").append(tag));
      logs.add(new JsonObject().put("ddsource", extra.get("source")).put("ddtags", tags.toString())
          .put("hostname", extra.get("hostname")).put("message", p.encode()).put("service", extra.get("service"))
          .put("status", "failure".equals(p.getString("status")) ? "error" : "info"));
    }
    return logs.toBuffer();
  }

  private static String iso(Double epochSeconds) {
    return epochSeconds == null ? null : Instant.ofEpochMilli(Math.round(epochSeconds * 1000)).toString();
  }
}
