package dev.switchboard.config;

import java.util.List;

/** LiteLLM's {@code model_info} block of one deployment. Prices are USD per token; null = not given. */
public record ModelInfo(
    String id,
    String mode,
    Double inputCostPerToken,
    Double outputCostPerToken,
    Integer maxTokens,
    Integer maxInputTokens,
    List<String> accessGroups) {

  public static final ModelInfo EMPTY = new ModelInfo(null, null, null, null, null, null, List.of());
}
