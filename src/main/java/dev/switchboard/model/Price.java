package dev.switchboard.model;

import java.util.Map;

/**
 * What one deployment costs, in USD per token, and how much it takes and gives.
 *
 * @param cachedInput  per cached prompt token (a cache read), or the input price when the provider has none
 * @param maxInput     the context window in tokens, or 0 when unknown
 * @param maxOutput    the most output tokens one answer may have, or 0 when unknown
 * @param known        false when neither model_info nor the price table named the model (cost 0)
 * @param perUnit      per billed unit ({@link Usage#units()}): per search (rerank models, LiteLLM's
 *                     {@code input_cost_per_query}), per image, per character of speech input, or per second of
 *                     transcribed audio, whichever the model is priced by; 0 for text models
 * @param perImage     per image of a given quality and size, by {@link Usage#unitVariant()} ("hd/1024-x-1792",
 *                     or the size alone, "1024-x-1024"), as LiteLLM's {@code quality/size/model} entries price them
 * @param perPixel     per pixel of each image (LiteLLM's {@code input_cost_per_pixel}), over the per-image prices; 0 when not set
 */
public record Price(double input, double output, double cachedInput, int maxInput, int maxOutput, boolean known,
    double perUnit, Map<String, Double> perImage, double perPixel) {

  public static final Price UNKNOWN = new Price(0, 0, 0, 0, 0, false);

  public Price(double input, double output, double cachedInput, int maxInput, int maxOutput, boolean known) {
    this(input, output, cachedInput, maxInput, maxOutput, known, 0);
  }

  public Price(double input, double output, double cachedInput, int maxInput, int maxOutput, boolean known,
      double perUnit) {
    this(input, output, cachedInput, maxInput, maxOutput, known, perUnit, Map.of(), 0);
  }

  /** The cost of this usage: cached prompt tokens at the cached price, the rest at the input price, searches and media units at theirs. */
  public double cost(Usage usage) {
    long cached = Math.min(usage.cachedTokens(), usage.promptTokens());
    return (usage.promptTokens() - cached) * input + cached * cachedInput + usage.completionTokens() * output
        + (usage.units() == 0 ? 0 : usage.units() * unitPrice(usage.unitVariant()));
  }

  /**
   * One unit's price: for an image of {@code variant} ("quality/W-x-H" or "W-x-H"), its pixels at the
   * per-pixel price if there is one, else the price for its quality and size, for its size, or the model's per unit.
   */
  public double unitPrice(String variant) {
    if (variant == null) {
      return perUnit;
    }
    String size = variant.substring(variant.indexOf('/') + 1);
    if (perPixel > 0) {
      String[] sides = size.split("-x-");
      if (sides.length == 2 && sides[0].matches("\\d{1,5}") && sides[1].matches("\\d{1,5}")) {
        return perPixel * Long.parseLong(sides[0]) * Long.parseLong(sides[1]);
      }
    }
    Double exact = perImage.get(variant);
    if (exact != null) {
      return exact;
    }
    Double bySize = perImage.get(size);
    return bySize != null ? bySize : perUnit;
  }
}
