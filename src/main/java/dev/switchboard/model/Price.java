package dev.switchboard.model;

/**
 * What one deployment costs, in USD per token, and how much it takes and gives.
 *
 * @param cachedInput  per cached prompt token (a cache read), or the input price when the provider has none
 * @param maxInput     the context window in tokens, or 0 when unknown
 * @param maxOutput    the most output tokens one answer may have, or 0 when unknown
 * @param known        false when neither model_info nor the price table named the model (cost 0)
 * @param perQuery     per search (LiteLLM's {@code input_cost_per_query}: rerank models), or 0
 */
public record Price(double input, double output, double cachedInput, int maxInput, int maxOutput, boolean known,
    double perQuery) {

  public static final Price UNKNOWN = new Price(0, 0, 0, 0, 0, false);

  public Price(double input, double output, double cachedInput, int maxInput, int maxOutput, boolean known) {
    this(input, output, cachedInput, maxInput, maxOutput, known, 0);
  }

  /** The cost of this usage: cached prompt tokens at the cached price, the rest at the input price, searches per query. */
  public double cost(Usage usage) {
    long cached = Math.min(usage.cachedTokens(), usage.promptTokens());
    return (usage.promptTokens() - cached) * input + cached * cachedInput + usage.completionTokens() * output
        + usage.queries() * perQuery;
  }
}
