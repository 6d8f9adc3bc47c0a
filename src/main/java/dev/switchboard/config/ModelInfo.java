package dev.switchboard.config;

import java.util.List;

/**
 * LiteLLM's {@code model_info} block of one deployment. Prices are USD per token; null = not given
 * (the shipped price table is consulted then, by {@code base_model} or the deployment's model).
 * {@code dbModel} marks a deployment added through {@code /model/new} rather than read from the file.
 */
public record ModelInfo(
    String id,
    String mode,
    Double inputCostPerToken,
    Double outputCostPerToken,
    Double cacheReadInputTokenCost,
    Integer maxTokens,
    Integer maxInputTokens,
    Integer maxOutputTokens,
    String baseModel,
    List<String> accessGroups,
    Double inputCostPerQuery,
    boolean dbModel) {

  public static final ModelInfo EMPTY = new ModelInfo(null, null, null, null, null, null, null, null, null, List.of());

  /** A block read from the config file, without a per-query price ({@code input_cost_per_query}, rerank models only). */
  public ModelInfo(String id, String mode, Double inputCostPerToken, Double outputCostPerToken,
      Double cacheReadInputTokenCost, Integer maxTokens, Integer maxInputTokens, Integer maxOutputTokens,
      String baseModel, List<String> accessGroups) {
    this(id, mode, inputCostPerToken, outputCostPerToken, cacheReadInputTokenCost, maxTokens, maxInputTokens,
        maxOutputTokens, baseModel, accessGroups, null, false);
  }

  /** A block read from the config file. */
  public ModelInfo(String id, String mode, Double inputCostPerToken, Double outputCostPerToken,
      Double cacheReadInputTokenCost, Integer maxTokens, Integer maxInputTokens, Integer maxOutputTokens,
      String baseModel, List<String> accessGroups, Double inputCostPerQuery) {
    this(id, mode, inputCostPerToken, outputCostPerToken, cacheReadInputTokenCost, maxTokens, maxInputTokens,
        maxOutputTokens, baseModel, accessGroups, inputCostPerQuery, false);
  }

  /** The same block for a deployment kept in the database, under {@code id}. */
  public ModelInfo stored(String storedId) {
    return new ModelInfo(storedId, mode, inputCostPerToken, outputCostPerToken, cacheReadInputTokenCost, maxTokens,
        maxInputTokens, maxOutputTokens, baseModel, accessGroups, inputCostPerQuery, true);
  }
}
