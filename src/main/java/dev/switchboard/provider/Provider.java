package dev.switchboard.provider;

/**
 * A provider prefix of {@code litellm_params.model} and where it lives by default. All of these
 * speak OpenAI's wire format; other formats (Anthropic, Azure) get adapters of their own.
 * {@code defaultApiBase} is null where the deployment must give {@code api_base};
 * {@code acceptsStreamOptions} says whether the gateway may ask for usage on streams.
 */
public record Provider(String prefix, String defaultApiBase, boolean acceptsStreamOptions) {
}
