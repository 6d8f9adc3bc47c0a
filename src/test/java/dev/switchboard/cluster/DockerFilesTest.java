package dev.switchboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.GatewayConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The test suite runs without a Docker engine; docker/smoke-test.sh starts the images and compose
 * stacks for real. What is checked here: the compose files parse, every gateway service gets what
 * the gateway needs and publishes on loopback only, the config they mount loads, with that
 * environment, into the clustered, database- and Redis-backed gateway they describe, and the two
 * Dockerfiles build the same runtime image.
 */
class DockerFilesTest {

  private static final Path DOCKER = Path.of("docker");

  @SuppressWarnings("unchecked")
  private static Map<String, Object> yaml(String file) throws IOException {
    return (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(DOCKER.resolve(file)));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> service(Map<String, Object> compose, String name) {
    Map<String, Object> service = (Map<String, Object>) ((Map<String, Object>) compose.get("services")).get(name);
    assertNotNull(service, "service " + name);
    return service;
  }

  /** A compose service's environment with ${VAR:-default} and ${VAR:?message} given example values. */
  @SuppressWarnings("unchecked")
  private static Map<String, String> environment(Map<String, Object> service) {
    Map<String, String> env = new HashMap<>();
    Pattern reference = Pattern.compile("\\$\\{(\\w+)[:?-][^}]*}");
    ((Map<String, Object>) service.get("environment")).forEach((name, value) -> {
      Matcher matcher = reference.matcher(String.valueOf(value));
      env.put(name, matcher.matches() && matcher.group(1).equals("LITELLM_MASTER_KEY") ? "sk-compose-example"
          : matcher.matches() ? "" : String.valueOf(value));
    });
    return env;
  }

  private static GatewayConfig load(Map<String, String> env) throws IOException {
    return new ConfigLoader(env::get).parse(Files.readString(DOCKER.resolve("config.yaml")), "docker/config.yaml");
  }

  @Test
  @SuppressWarnings("unchecked")
  void the_single_gateway_compose_file_gives_the_gateway_its_database_and_redis() throws IOException {
    Map<String, Object> compose = yaml("docker-compose.yml");
    Map<String, Object> gateway = service(compose, "switchboard");
    assertEquals("docker/Dockerfile", ((Map<String, Object>) gateway.get("build")).get("dockerfile"));
    assertTrue(((List<String>) gateway.get("volumes")).contains("./config.yaml:/app/docker/config.yaml:ro"));
    assertEquals(List.of("127.0.0.1:4000:4000"), gateway.get("ports"));
    assertTrue(!compose.containsKey("name"), "docker-compose 1.29 refuses a top-level name");
    GatewayConfig config = load(environment(gateway));
    assertEquals("postgresql://switchboard:switchboard@postgres:5432/switchboard", config.general().databaseUrl());
    assertEquals("redis", config.router().redis().host());
    assertEquals("sk-compose-example", config.general().masterKey().value());
    assertTrue(config.spend().sharedReservations(), "an external database shares budgets between gateways");
    assertTrue(!config.cluster().enabled());
    service(compose, "postgres");
    service(compose, "redis");
  }

  @Test
  void the_cluster_compose_file_describes_three_gateways_that_find_each_other() throws IOException {
    Map<String, Object> compose = yaml("cluster-compose.yml");
    for (int n = 1; n <= 3; n++) {
      Map<String, Object> gateway = service(compose, "gateway-" + n);
      assertTrue(String.valueOf(gateway.get("command")).contains("--cluster"));
      assertEquals(List.of("127.0.0.1:" + (4000 + n) + ":4000"), gateway.get("ports"));
      GatewayConfig config = load(environment(gateway)).withCluster(true);
      assertEquals(List.of("gateway-1", "gateway-2", "gateway-3"), config.cluster().members());
      assertEquals("gateway-" + n, config.cluster().host());
      assertEquals("redis", config.router().redis().host());
      assertNotNull(config.general().databaseUrl());
    }
  }

  @Test
  void the_dockerfile_builds_the_jar_the_pom_names_and_checks_the_liveness_endpoint() throws IOException {
    String dockerfile = Files.readString(DOCKER.resolve("Dockerfile"));
    assertTrue(Files.readString(Path.of("src", "pom.xml")).contains("<finalName>switchboard</finalName>"));
    assertTrue(dockerfile.contains("/src/target/switchboard.jar"));
    assertTrue(dockerfile.contains("USER switchboard"), "runs as a non-root user");
    assertTrue(dockerfile.contains("EXPOSE 4000 5701"));
    assertTrue(dockerfile.contains("COPY bin/switchboard /app/bin/switchboard")
        && dockerfile.contains("ENTRYPOINT [\"/app/bin/switchboard\"]"), "starts through the launcher and its JVM flags");
    assertTrue(dockerfile.contains("CMD [\"/app/bin/healthcheck\"]"));
    assertTrue(Files.readString(DOCKER.resolve("healthcheck.sh")).contains("/health/liveliness"));
    // The AOT cache is recorded beside the jar, where the launcher looks, by the runtime image's JVM.
    int runtime = dockerfile.indexOf("FROM ${RUNTIME_IMAGE}");
    assertTrue(dockerfile.contains("ARG RUNTIME_IMAGE=eclipse-temurin:25-jre"));
    assertTrue(runtime > 0 && dockerfile.indexOf("image-setup.sh") > runtime, "the training run happens in the runtime stage");
    assertTrue(Files.readString(DOCKER.resolve("image-setup.sh")).contains("-XX:AOTCacheOutput=/app/switchboard.aot"));
    assertTrue(dockerfile.contains("-Dswitchboard.train.skip=true"), "the build stage's JVM records nothing");
  }

  @Test
  void the_runtime_only_dockerfile_is_the_full_builds_runtime_stage_with_the_hosts_jar() throws IOException {
    List<String> full = runtimeStage(Files.readString(DOCKER.resolve("Dockerfile")));
    List<String> runtimeOnly = runtimeStage(Files.readString(DOCKER.resolve("Dockerfile.runtime")));
    assertEquals(full.stream().map(line -> line.replace("--from=build /src/target/", "target/")).toList(), runtimeOnly);
    assertTrue(Files.readString(Path.of(".dockerignore")).contains("!target/switchboard.jar"),
        "the host's jar is in the build context");
  }

  /** The instructions from the runtime FROM on, comments and blank lines left out. */
  private static List<String> runtimeStage(String dockerfile) {
    List<String> lines = dockerfile.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    return lines.subList(lines.indexOf("FROM ${RUNTIME_IMAGE}"), lines.size());
  }
}
