package dev.switchboard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Azure's token settings in litellm_params, and LiteLLM's AZURE_* fallbacks. */
class AzureAuthConfigTest {

  private static final Map<String, String> ENV = Map.of("AZURE_TENANT_ID", "env-tenant", "AZURE_CLIENT_ID", "env-client",
      "AZURE_CLIENT_SECRET", "env-secret", "AZURE_AUTHORITY_HOST", "login.microsoftonline.us", "AD", "ad-from-env");

  private static AzureAuth auth(String params) {
    GatewayConfig config = new ConfigLoader(ENV::get).parse("model_list:\n  - model_name: m\n    litellm_params: "
        + params + "\n", "config.yaml");
    return config.modelList().get(0).params().azureAuth();
  }

  @Test
  void the_settings_are_read_with_os_environ_references() {
    AzureAuth auth = auth("{model: azure/d, api_base: http://x, azure_ad_token: os.environ/AD, tenant_id: t, client_id: c, "
        + "client_secret: s, azure_authority_host: http://127.0.0.1:1}");
    assertEquals("ad-from-env", auth.adToken().value());
    assertEquals("t", auth.tenantId().value());
    assertEquals("c", auth.clientId().value());
    assertEquals("s", auth.clientSecret().value());
    assertEquals("http://127.0.0.1:1", auth.authorityHost().value());
    assertFalse(auth.toString().contains("ad-from-env") || auth.toString().contains("s]"), auth.toString());
  }

  @Test
  void without_api_key_the_azure_environment_variables_fill_in() {
    AzureAuth auth = auth("{model: azure/d, api_base: http://x, tenant_id: own-tenant}");
    assertEquals("own-tenant", auth.tenantId().value());
    assertEquals("env-client", auth.clientId().value());
    assertEquals("env-secret", auth.clientSecret().value());
    assertEquals("login.microsoftonline.us", auth.authorityHost().value());
    assertTrue(auth.usesClientCredentials());
  }

  @Test
  void an_api_key_is_not_overridden_by_the_environment() {
    AzureAuth auth = auth("{model: azure/d, api_base: http://x, api_key: k}");
    assertFalse(auth.usesClientCredentials());
    assertFalse(auth.usesAdToken());
  }

  @Test
  void other_providers_have_none() {
    assertSame(AzureAuth.NONE, auth("{model: openai/gpt-4o}"));
  }
}
