package dev.switchboard.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.errors.GatewayError.Fallback;
import dev.switchboard.model.Deployment;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The retry loop's decisions alone: how often a failure is retried, and when a fallback may help. */
class RetryRulesTest {

  private static final GatewayConfig CONFIG = new ConfigLoader(name -> null).parse("""
      model_list:
        - {model_name: chat, litellm_params: {model: openai/a, api_base: "http://127.0.0.1:1/v1"}}
        - {model_name: chat, litellm_params: {model: openai/b, api_base: "http://127.0.0.1:1/v1", max_retries: 5}}
      router_settings: {num_retries: 2, retry_policy: {TimeoutErrorRetries: 7}}
      """, "retry.yaml");
  private static final ModelRegistry REGISTRY = ModelRegistry.from(CONFIG);
  private static final Deployment PLAIN = REGISTRY.group("chat").deployments().get(0);
  private static final Deployment FIVE = REGISTRY.group("chat").deployments().get(1);

  private static int allowed(JsonObject body, Deployment deployment, ErrorClass failure, boolean anotherExists) {
    return RetryRules.allowed(CONFIG.router().routing(), body, deployment,
        GatewayError.of(failure, "test", "a failure"), () -> anotherExists);
  }

  @Test
  void a_transient_failure_gets_the_requests_then_the_deployments_then_the_routers_retries() {
    assertEquals(2, allowed(new JsonObject(), PLAIN, ErrorClass.RATE_LIMIT, true));
    assertEquals(5, allowed(new JsonObject(), FIVE, ErrorClass.RATE_LIMIT, true));
    assertEquals(1, allowed(new JsonObject().put("num_retries", 1), FIVE, ErrorClass.SERVICE_UNAVAILABLE, true));
  }

  @Test
  void retry_policy_names_a_class_and_wins() {
    assertEquals(7, allowed(new JsonObject().put("num_retries", 1), PLAIN, ErrorClass.TIMEOUT, false));
  }

  @Test
  void the_requests_own_errors_are_never_retried_and_a_bad_key_only_elsewhere() {
    assertEquals(0, allowed(new JsonObject(), PLAIN, ErrorClass.BAD_REQUEST, true));
    assertEquals(0, allowed(new JsonObject(), PLAIN, ErrorClass.CONTEXT_WINDOW_EXCEEDED, true));
    assertEquals(0, allowed(new JsonObject(), PLAIN, ErrorClass.AUTHENTICATION, false));
    assertEquals(2, allowed(new JsonObject(), PLAIN, ErrorClass.AUTHENTICATION, true));
  }

  @Test
  void a_group_with_nothing_free_may_fall_back_but_a_refused_caller_may_not() {
    GatewayError resting = GatewayError.of(ErrorClass.SERVICE_UNAVAILABLE, "no_deployments_available", "all cooling");
    GatewayError forbidden = GatewayError.of(ErrorClass.PERMISSION_DENIED, "model_not_allowed", "not this key");
    assertEquals(Fallback.ALLOWED, RetryRules.pickFailure(resting).fallback());
    assertEquals(Fallback.NOT_THIS_GROUP, RetryRules.pickFailure(forbidden).fallback());
  }
}
