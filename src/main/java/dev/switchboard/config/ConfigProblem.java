package dev.switchboard.config;

/**
 * One problem of a config: the setting it is about ({@code model_list[2].litellm_params.rpm};
 * empty when the whole file is meant) and a one-line message that names it and says what to do.
 */
public record ConfigProblem(String path, String message) {
}
