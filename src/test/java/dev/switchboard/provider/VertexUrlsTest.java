package dev.switchboard.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.config.EnvValue;
import dev.switchboard.config.ModelInfo;
import dev.switchboard.config.VertexAuth;
import dev.switchboard.model.Deployment;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where a Vertex AI deployment's calls go: the location's host unless api_base says otherwise. */
class VertexUrlsTest {

  private static Deployment deployment(String model, String apiBase, VertexAuth auth) {
    Providers.ProviderModel resolved = Providers.resolve(model, "test");
    return new Deployment("d1", "group", resolved.provider(), resolved.upstreamModel(),
        apiBase == null ? EnvValue.of(resolved.provider().defaultApiBase()) : EnvValue.of(apiBase),
        EnvValue.ABSENT, EnvValue.ABSENT, 1, 1000, 1000, false, null, ModelInfo.EMPTY, null, null, null,
        Deployment.NO_ORDER, List.of(), null, null, auth, null);
  }

  @Test
  void a_region_has_its_own_host_and_global_the_plain_one() {
    VertexAuth regional = new VertexAuth(EnvValue.of("p1"), EnvValue.of("europe-west4"), EnvValue.of("/k.json"));
    assertEquals("https://europe-west4-aiplatform.googleapis.com/v1/projects/p1/locations/europe-west4/publishers/google/"
        + "models/gemini-2.0-flash", VertexAdapter.modelUrl(deployment("vertex_ai/gemini-2.0-flash", null, regional), "google"));
    VertexAuth global = new VertexAuth(EnvValue.of("p1"), EnvValue.of("global"), EnvValue.of("/k.json"));
    assertEquals("https://aiplatform.googleapis.com/v1/projects/p1/locations/global/publishers/anthropic/models/"
        + "claude-sonnet-4@20250514",
        VertexAdapter.modelUrl(deployment("vertex_ai/claude-sonnet-4@20250514", null, global), "anthropic"));
  }

  @Test
  void without_a_location_us_central1_is_used_and_without_a_project_the_key_files() {
    VertexAuth bare = new VertexAuth(EnvValue.ABSENT, EnvValue.ABSENT, EnvValue.of("/k.json"));
    String url = VertexAdapter.modelUrl(deployment("vertex_ai/gemini-2.5-pro", "https://proxy.example/v1", bare), "google");
    assertEquals("https://proxy.example/v1/projects/" + VertexAdapter.PROJECT_FROM_CREDENTIALS
        + "/locations/us-central1/publishers/google/models/gemini-2.5-pro", url);
    assertTrue(VertexAdapter.isClaude(deployment("vertex_ai/claude-3-haiku@20240307", null, bare)));
  }
}
