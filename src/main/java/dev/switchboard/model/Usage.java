package dev.switchboard.model;

import io.vertx.core.json.JsonObject;

/**
 * Token usage of one answer, as OpenAI reports it.
 *
 * @param units what a call is billed by instead of tokens, 0 for token-priced calls: a rerank's searches, or a
 *              media call's images, characters of speech input or seconds of audio ({@link MediaCalls})
 * @param unitVariant what the units' price depends on beyond the model, or null: an image's quality and size
 *              ({@link Price#unitPrice})
 */
public record Usage(long promptTokens, long completionTokens, long totalTokens, long cachedTokens, long units,
    String unitVariant) {

  public static final Usage NONE = new Usage(0, 0, 0, 0);

  public Usage(long promptTokens, long completionTokens, long totalTokens, long cachedTokens) {
    this(promptTokens, completionTokens, totalTokens, cachedTokens, 0);
  }

  public Usage(long promptTokens, long completionTokens, long totalTokens, long cachedTokens, long units) {
    this(promptTokens, completionTokens, totalTokens, cachedTokens, units, null);
  }

  /** This usage, billed for {@code count} media units as well. */
  public Usage withUnits(long count) {
    return new Usage(promptTokens, completionTokens, totalTokens, cachedTokens, count, unitVariant);
  }

  /** This usage, its units priced as {@code variant} ("hd/1024-x-1792") where the model's price says. */
  public Usage withUnitVariant(String variant) {
    return new Usage(promptTokens, completionTokens, totalTokens, cachedTokens, units, variant);
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
