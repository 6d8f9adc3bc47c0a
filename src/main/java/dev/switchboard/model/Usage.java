package dev.switchboard.model;

import io.vertx.core.json.JsonObject;

/**
 * Token usage of one answer, as OpenAI reports it.
 *
 * @param queries searches billed per query (a rerank's search units), 0 for token-priced calls
 */
public record Usage(long promptTokens, long completionTokens, long totalTokens, long cachedTokens, long queries) {

  public static final Usage NONE = new Usage(0, 0, 0, 0);

  public Usage(long promptTokens, long completionTokens, long totalTokens, long cachedTokens) {
    this(promptTokens, completionTokens, totalTokens, cachedTokens, 0);
  }

  /** Reads OpenAI's {@code usage} object; missing or malformed fields count as zero. */
  public static Usage fromOpenAi(JsonObject usage) {
    if (usage == null) {
      return NONE;
    }
    long prompt = count(usage, "prompt_tokens");
    long completion = count(usage, "completion_tokens");
    long total = usage.getValue("total_tokens") instanceof Number n ? n.longValue() : prompt + completion;
    long cached = 0;
    if (usage.getValue("prompt_tokens_details") instanceof JsonObject details) {
      cached = count(details, "cached_tokens");
    }
    return new Usage(prompt, completion, total, cached);
  }

  private static long count(JsonObject json, String field) {
    return json.getValue(field) instanceof Number n ? n.longValue() : 0;
  }
}
