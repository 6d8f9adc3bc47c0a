package dev.switchboard.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.config.EnvValue;
import dev.switchboard.config.ModelInfo;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.UpstreamRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where a stored response lives at the provider that keeps it: OpenAI's and Azure's paths and credentials. */
class StoredResponseUrlsTest {

  private static Deployment deployment(String model, String apiBase, String apiVersion) {
    return new Deployment("d1", "m", Providers.resolve(model, "t").provider(), model.substring(model.indexOf('/') + 1),
        EnvValue.of(apiBase), EnvValue.of("sk-secret"), apiVersion == null ? EnvValue.ABSENT : EnvValue.of(apiVersion),
        1, 1000, 1000, false, null, ModelInfo.EMPTY, null, null, null, Deployment.NO_ORDER, List.of(), null);
  }

  @Test
  void openai_keeps_them_under_its_responses_path_with_the_deployments_key() {
    Deployment openai = deployment("openai/gpt-4o", "https://api.openai.com/v1", null);
    assertTrue(openai.provider().adapter().keepsResponses());
    UpstreamRequest read = openai.provider().adapter().storedResponse(openai, "/resp_1/input_items", "limit=5&order=asc");
    assertEquals("https://api.openai.com/v1/responses/resp_1/input_items?limit=5&order=asc", read.url());
    assertEquals("Bearer sk-secret", read.headers().get("Authorization"));
    assertEquals("https://api.openai.com/v1/responses/resp_1",
        openai.provider().adapter().storedResponse(openai, "/resp_1", null).url());
  }

  @Test
  void azure_keeps_them_under_openai_responses_with_its_api_version() {
    Deployment azure = deployment("azure/gpt-4o", "https://x.openai.azure.com", "2025-04-01-preview");
    assertTrue(azure.provider().adapter().keepsResponses());
    UpstreamRequest read = azure.provider().adapter().storedResponse(azure, "/resp_1/input_items", "limit=5");
    assertEquals("https://x.openai.azure.com/openai/responses/resp_1/input_items?api-version=2025-04-01-preview&limit=5",
        read.url());
    assertEquals("sk-secret", read.headers().get("api-key"));
    assertFalse(read.headers().contains("Authorization"));
  }

  @Test
  void translated_providers_keep_none() {
    Deployment claude = deployment("anthropic/claude-sonnet-4-5", "https://api.anthropic.com", null);
    assertFalse(claude.provider().adapter().keepsResponses());
    assertNull(claude.provider().adapter().storedResponse(claude, "/resp_1", null));
  }
}
