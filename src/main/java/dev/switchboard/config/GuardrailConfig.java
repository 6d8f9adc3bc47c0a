package dev.switchboard.config;

import java.util.List;
import java.util.Map;

/**
 * One entry of the top-level {@code guardrails:} list, LiteLLM's shape:
 * {@code {guardrail_name, litellm_params: {guardrail, mode, default_on, ...}}}.
 *
 * @param name      {@code guardrail_name}: what keys, teams and requests select it by
 * @param guardrail {@code litellm_params.guardrail}: which check it is ({@code litellm_content_filter}, ...)
 * @param modes     {@code litellm_params.mode}, one or a list: pre_call, post_call, during_call, logging_only
 * @param defaultOn {@code litellm_params.default_on}: runs on every request without being selected
 * @param params    the rest of {@code litellm_params}, as written ({@code os.environ/} strings resolved)
 */
public record GuardrailConfig(String name, String guardrail, List<String> modes, boolean defaultOn,
    Map<String, Object> params) {
}
