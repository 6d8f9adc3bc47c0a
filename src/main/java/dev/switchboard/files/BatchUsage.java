package dev.switchboard.files;

import dev.switchboard.model.Usage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * The usage a batch's output file reports, summed line by line: each line is one request's
 * {@code {"custom_id", "response": {"status_code", "body": {..., "usage"}}, "error"}}. Only answered
 * lines (status 200) count, as LiteLLM counts them; chat and embeddings usage ({@code prompt_tokens},
 * {@code completion_tokens}) and Responses usage ({@code input_tokens}, {@code output_tokens}) both read.
 */
final class BatchUsage {

  private long prompt;
  private long completion;
  private long cached;
  private int succeeded;
  private int failed;

  void line(Buffer line) {
    if (line.length() == 0) {
      return;
    }
    JsonObject json = FilesUpstream.objectOrNull(line);
    if (json == null) {
      return; // neither count, as LiteLLM skips a line that is not JSON
    }
    JsonObject response = json.getValue("response") instanceof JsonObject r ? r : null;
    JsonObject body = response != null && response.getValue("body") instanceof JsonObject b ? b : null;
    if (body == null || !(response.getValue("status_code") instanceof Number status) || status.intValue() != 200) {
      failed++;
      return;
    }
    succeeded++;
    if (body.getValue("usage") instanceof JsonObject usage) {
      prompt += number(usage, "prompt_tokens") + number(usage, "input_tokens");
      completion += number(usage, "completion_tokens") + number(usage, "output_tokens");
      JsonObject details = usage.getValue("prompt_tokens_details") instanceof JsonObject d ? d
          : usage.getValue("input_tokens_details") instanceof JsonObject d2 ? d2 : null;
      cached += details == null ? 0 : number(details, "cached_tokens");
    }
  }

  Usage usage() {
    return new Usage(prompt, completion, prompt + completion, cached);
  }

  int succeeded() {
    return succeeded;
  }

  int failed() {
    return failed;
  }

  private static long number(JsonObject json, String field) {
    return json.getValue(field) instanceof Number n ? n.longValue() : 0;
  }
}
