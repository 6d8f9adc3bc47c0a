package dev.switchboard.config;

/**
 * Vertex AI's settings of a {@code vertex_ai/} deployment, LiteLLM's names: {@code vertex_project},
 * {@code vertex_location} and {@code vertex_credentials} (a service-account JSON file's path or the
 * JSON itself), else VERTEXAI_PROJECT, VERTEXAI_LOCATION and GOOGLE_APPLICATION_CREDENTIALS. Every
 * value may be {@link EnvValue#ABSENT}; the credentials are never printed.
 */
public record VertexAuth(EnvValue project, EnvValue location, EnvValue credentials) {

  public static final VertexAuth NONE = new VertexAuth(EnvValue.ABSENT, EnvValue.ABSENT, EnvValue.ABSENT);

  @Override
  public String toString() {
    return "VertexAuth[project " + (project.isSet() ? project.value() : "from credentials") + "]";
  }
}
