package dev.switchboard.config;

import java.util.List;

/**
 * LiteLLM's {@code model_info} block of one deployment. Prices are USD per token; null = not given
 * (the shipped price table is consulted then, by {@code base_model} or the deployment's model).
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
    Double inputCostPerQuery) {

  public static final ModelInfo EMPTY = new ModelInfo(null, null, null, null, null, null, null, null, null, List.of());

  /** Without a per-query price ({@code input_cost_per_query}, rerank models only). */
  public ModelInfo(String id, String mode, Double inputCostPerToken, Double outputCostPerToken,
      Double cacheReadInputTokenCost, Integer maxTokens, Integer maxInputTokens, Integer maxOutputTokens,
      String baseModel, List<String> accessGroups) {
    this(id, mode, inputCostPerToken, outputCostPerToken, cacheReadInputTokenCost, maxTokens, maxInputTokens,
        maxOutputTokens, baseModel, accessGroups, null);
  }
}
