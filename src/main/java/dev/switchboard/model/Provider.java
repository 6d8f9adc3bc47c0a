package dev.switchboard.model;

/**
 * A provider prefix of {@code litellm_params.model}, where it lives by default and the adapter
 * for its wire format.
 * {@code defaultApiBase} is null where the deployment must give {@code api_base};
 * {@code acceptsStreamOptions} says whether the gateway may ask for usage on streams.
 */
public record Provider(String prefix, String defaultApiBase, boolean acceptsStreamOptions, ProviderAdapter adapter) {
}
