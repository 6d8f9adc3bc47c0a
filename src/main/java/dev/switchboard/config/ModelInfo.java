package dev.switchboard.config;

import java.util.List;
import java.util.Map;

/**
 * LiteLLM's {@code model_info} block of one deployment. Prices are USD per token; null = not given
 * (the shipped price table is consulted then, by {@code base_model} or the deployment's model).
 * {@code dbModel} marks a deployment added through {@code /model/new} rather than read from the file.
 * {@code custom} holds the block's other keys as given (LiteLLM's model_info is open: {@code /model/info}
 * echoes them); the gateway acts on none of them.
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
    boolean dbModel,
    Map<String, Double> mediaPrices,
    Map<String, Object> custom) {

  /** LiteLLM's per-unit price fields for media models, read from {@code model_info} or {@code litellm_params}. */
  public static final List<String> MEDIA_PRICE_FIELDS = List.of("input_cost_per_pixel", "output_cost_per_pixel",
      "output_cost_per_image", "input_cost_per_image", "input_cost_per_character", "output_cost_per_second",
      "input_cost_per_second");

  public ModelInfo(String id, String mode, Double inputCostPerToken, Double outputCostPerToken,
      Double cacheReadInputTokenCost, Integer maxTokens, Integer maxInputTokens, Integer maxOutputTokens,
      String baseModel, List<String> accessGroups, Double inputCostPerQuery, boolean dbModel) {
    this(id, mode, inputCostPerToken, outputCostPerToken, cacheReadInputTokenCost, maxTokens, maxInputTokens,
        maxOutputTokens, baseModel, accessGroups, inputCostPerQuery, dbModel, Map.of(), Map.of());
  }

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

  /** The same block with media prices ({@link #MEDIA_PRICE_FIELDS}, by LiteLLM's names). */
  public ModelInfo withMediaPrices(Map<String, Double> prices) {
    return new ModelInfo(id, mode, inputCostPerToken, outputCostPerToken, cacheReadInputTokenCost, maxTokens,
        maxInputTokens, maxOutputTokens, baseModel, accessGroups, inputCostPerQuery, dbModel, Map.copyOf(prices), custom);
  }

  /** The same block with its other keys, as given ({@link #custom}). */
  public ModelInfo withCustom(Map<String, Object> keys) {
    return new ModelInfo(id, mode, inputCostPerToken, outputCostPerToken, cacheReadInputTokenCost, maxTokens,
        maxInputTokens, maxOutputTokens, baseModel, accessGroups, inputCostPerQuery, dbModel, mediaPrices,
        java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(keys)));
  }

  /** The same block for a deployment kept in the database, under {@code id}. */
  public ModelInfo stored(String storedId) {
    return new ModelInfo(storedId, mode, inputCostPerToken, outputCostPerToken, cacheReadInputTokenCost, maxTokens,
        maxInputTokens, maxOutputTokens, baseModel, accessGroups, inputCostPerQuery, true, mediaPrices, custom);
  }
}
