package dev.switchboard.callbacks;

import dev.switchboard.model.Deployment;
import dev.switchboard.model.VirtualKey;
import dev.switchboard.spend.CallContent;
import dev.switchboard.spend.SpendEvent;
import dev.switchboard.spend.SpendRow;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * Builds LiteLLM's StandardLoggingPayload (litellm/types/utils.py) for one request from its spend
 * event and row: ids, call type, cost, tokens, times in epoch seconds, model / model_id /
 * model_group, api_base, metadata (key hash, alias, team, user, end user, spend_logs_metadata,
 * requester IP), tags, messages and response, error details. Built on a sink's own thread, never
 * on the request's. Message text is replaced by {@link #REDACTED} when logging it is off; secrets
 * are always removed ({@link Redactor}).
 */
final class LoggingPayload {

  /** What LiteLLM logs in place of messages and answers when message logging is off. */
  static final String REDACTED = "redacted-by-litellm";
  /** The request fields that are model parameters, not messages or routing. */
  private static final Set<String> NOT_PARAMETERS = Set.of("model", "messages", "input", "prompt", "metadata",
      "litellm_metadata", "user", "api_key", "api_base", "turn_off_message_logging", "tags", "guardrails");

  private LoggingPayload() {
  }

  static JsonObject of(SpendEvent event, SpendRow row, boolean messageLoggingOff) {
    boolean failed = event.errorType() != null || event.status() >= 400;
    JsonObject request = parse(event.content());
    boolean hide = messageLoggingOff || hiddenFor(event, request);
    Deployment deployment = event.deployment();
    double start = event.startEpochMillis() / 1000.0;
    double end = row.endMillis() / 1000.0;
    Long completionStart = row.detail() == null ? null : row.detail().completionStartMillis();
    JsonObject metadata = metadata(event, row);
    JsonObject payload = new JsonObject()
        .put("id", event.requestId())
        .put("trace_id", event.requestId())
        .put("call_type", event.callType() == null ? "acompletion" : event.callType())
        .put("stream", event.stream())
        .put("response_cost", row.spend())
        .putNull("response_cost_failure_debug_info")
        .put("status", failed ? "failure" : "success")
        .put("custom_llm_provider", row.provider())
        .put("total_tokens", row.totalTokens())
        .put("prompt_tokens", row.promptTokens())
        .put("completion_tokens", row.completionTokens())
        .put("startTime", start)
        .put("endTime", end)
        .put("completionStartTime", completionStart == null ? end : completionStart / 1000.0)
        .put("response_time", end - start)
        .put("model_map_information", new JsonObject().put("model_map_key", row.model()).putNull("model_map_value"))
        .put("model", row.model() != null ? row.model() : event.model())
        .put("model_id", row.modelId())
        .put("model_group", event.model())
        .put("api_base", row.detail() == null || row.detail().apiBase() == null ? "" : row.detail().apiBase())
        .put("metadata", metadata)
        .put("cache_hit", false)
        .putNull("cache_key")
        .put("saved_cache_cost", 0.0)
        .put("request_tags", new JsonArray(new java.util.ArrayList<>(row.tags())))
        .put("end_user", event.endUser())
        .put("requester_ip_address", event.clientIp())
        .put("messages", hide ? REDACTED : messages(request))
        .put("response", hide ? REDACTED : response(event.content()))
        .put("error_str", failed ? errorText(event) : null)
        .put("model_parameters", hide || request == null ? new JsonObject() : parameters(request))
        .put("hidden_params", new JsonObject().put("model_id", row.modelId()).putNull("cache_key")
            .put("api_base", row.detail() == null ? null : row.detail().apiBase())
            .put("response_cost", String.valueOf(row.spend())).put("additional_headers", new JsonObject()))
        .putNull("guardrail_information");
    if (failed) {
      payload.put("error_information", new JsonObject().put("error_code", String.valueOf(event.status()))
          .put("error_class", event.errorType())
          .put("llm_provider", deployment == null ? null : deployment.provider().prefix()));
    } else {
      payload.putNull("error_information");
    }
    return Redactor.redact(payload);
  }

  private static JsonObject metadata(SpendEvent event, SpendRow row) {
    JsonObject kept = row.detail() == null || row.detail().metadata() == null ? new JsonObject()
        : row.detail().metadata().copy();
    JsonObject out = new JsonObject()
        .put("user_api_key_hash", row.apiKey())
        .put("user_api_key_alias", row.keyAlias())
        .put("user_api_key_team_id", row.teamId())
        .put("user_api_key_user_id", row.userId())
        .put("user_api_key_team_alias", kept.getValue("user_api_key_team_alias"))
        .put("user_api_key_org_id", kept.getValue("user_api_key_org_id"))
        .put("user_api_key_end_user_id", event.endUser())
        .put("spend_logs_metadata", kept.getValue("spend_logs_metadata"))
        .put("requester_ip_address", event.clientIp())
        .put("requester_metadata", kept.getValue("requester_metadata"));
    return out;
  }

  /**
   * Message logging is off for this request by its key or team ({@code turn_off_message_logging} in
   * their metadata, or in a {@code logging} entry's {@code callback_vars} as LiteLLM keeps it) or
   * by the request body's own {@code turn_off_message_logging}.
   */
  static boolean hiddenFor(SpendEvent event, JsonObject request) {
    if (request != null && Boolean.TRUE.equals(request.getValue("turn_off_message_logging"))) {
      return true;
    }
    VirtualKey key = event.principal() == null ? null : event.principal().key();
    return key != null && (turnedOff(key.metadata()) || turnedOff(key.teamMetadata()));
  }

  private static boolean turnedOff(JsonObject metadata) {
    if (metadata == null) {
      return false;
    }
    if (Boolean.TRUE.equals(metadata.getValue("turn_off_message_logging"))) {
      return true;
    }
    if (metadata.getValue("logging") instanceof JsonArray entries) {
      for (Object entry : entries) {
        if (entry instanceof JsonObject logging && logging.getValue("callback_vars") instanceof JsonObject vars
            && (Boolean.TRUE.equals(vars.getValue("turn_off_message_logging"))
                || "true".equals(vars.getValue("turn_off_message_logging")))) {
          return true;
        }
      }
    }
    return false;
  }

  /** A copy: the redaction masks in place, and the request's own object is not this sink's to change. */
  private static JsonObject parse(CallContent content) {
    return content == null || content.request() == null ? null : content.request().copy();
  }

  /** Chat's {@code messages}, else {@code input} (responses, embeddings), else {@code prompt} (completions). */
  private static Object messages(JsonObject request) {
    if (request == null) {
      return null;
    }
    for (String field : new String[] {"messages", "input", "prompt"}) {
      Object value = request.getValue(field);
      if (value != null) {
        return value;
      }
    }
    return null;
  }

  private static Object response(CallContent content) {
    if (content == null) {
      return null;
    }
    if (content.response() != null && content.response().length() > 0) {
      try {
        return content.response().toJsonObject();
      } catch (RuntimeException e) {
        return null; // binary (audio) or not JSON
      }
    }
    return content.streamedAnswer() == null ? null : content.streamedAnswer().copy();
  }

  private static JsonObject parameters(JsonObject request) {
    JsonObject out = new JsonObject();
    request.forEach(field -> {
      if (!NOT_PARAMETERS.contains(field.getKey())) {
        out.put(field.getKey(), field.getValue());
      }
    });
    return out;
  }

  private static String errorText(SpendEvent event) {
    return event.errorType() == null ? "HTTP " + event.status() : event.errorType() + " (HTTP " + event.status() + ")";
  }
}
