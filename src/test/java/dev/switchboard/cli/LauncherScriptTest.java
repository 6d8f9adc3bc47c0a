package dev.switchboard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/switchboard, run by sh with a stand-in java that reports its version and echoes its
 * arguments, so the flags, their order and the jar it picks are checked without starting a JVM.
 */
class LauncherScriptTest {

  private static final Path LAUNCHER = Path.of("bin", "switchboard").toAbsolutePath().normalize();

  @TempDir
  Path dir;

  @Test
  void the_launcher_runs_the_jar_with_zgc_a_bounded_heap_and_java_opts_last() throws Exception {
    Path jar = Files.writeString(dir.resolve("switchboard.jar"), "not a real jar");
    Result run = launch(fakeJava("21.0.4"), Map.of("SWITCHBOARD_JAR", jar.toString(), "JAVA_OPTS", "-Xmx64m"),
        "--config", "conf/config.yaml");
    assertEquals(0, run.exit(), run.output());
    assertEquals("-XX:+UseZGC -Xmx512m -XX:+ExitOnOutOfMemoryError -XX:+ZGenerational -Xmx64m -jar " + jar
        + " --config conf/config.yaml", run.output().strip());
  }

  @Test
  void the_heap_ceiling_follows_switchboard_heap_and_later_jdks_get_no_generational_flag() throws Exception {
    Path jar = Files.writeString(dir.resolve("switchboard.jar"), "not a real jar");
    Result run = launch(fakeJava("25.0.1"), Map.of("SWITCHBOARD_HEAP", "256m", "SWITCHBOARD_JAR", jar.toString()),
        "--print-java-flags");
    assertEquals(0, run.exit(), run.output());
    assertEquals("-XX:+UseZGC -Xmx256m -XX:+ExitOnOutOfMemoryError", run.output().strip());
  }

  @Test
  void jdk_25_starts_with_the_aot_cache_the_build_recorded_beside_the_jar() throws Exception {
    Path jar = Files.writeString(dir.resolve("switchboard.jar"), "not a real jar");
    Files.writeString(dir.resolve("switchboard.aot"), "cache");
    Result run = launch(fakeJava("25.0.1"), Map.of("SWITCHBOARD_JAR", jar.toString()), "--config", "c.yaml");
    assertEquals(0, run.exit(), run.output());
    assertEquals("-XX:+UseZGC -Xmx512m -XX:+ExitOnOutOfMemoryError -XX:AOTCache=" + dir.toRealPath().resolve("switchboard.aot")
        + " -jar " + dir.toRealPath().resolve("switchboard.jar") + " --config c.yaml", run.output().strip());
  }

  @Test
  void jdks_before_25_start_without_the_aot_cache() throws Exception {
    Path jar = Files.writeString(dir.resolve("switchboard.jar"), "not a real jar");
    Files.writeString(dir.resolve("switchboard.aot"), "cache");
    Result run = launch(fakeJava("21.0.4"), Map.of("SWITCHBOARD_JAR", jar.toString()), "--print-java-flags");
    assertEquals("-XX:+UseZGC -Xmx512m -XX:+ExitOnOutOfMemoryError -XX:+ZGenerational", run.output().strip());
  }

  @Test
  void the_training_run_starts_without_an_archive_so_it_can_record_one() throws Exception {
    Path jar = Files.writeString(dir.resolve("switchboard.jar"), "not a real jar");
    Files.writeString(dir.resolve("switchboard.aot"), "an older cache");
    Result run = launch(fakeJava("25.0.1"), Map.of("SWITCHBOARD_JAR", jar.toString(),
        "JAVA_OPTS", "-XX:AOTCacheOutput=" + dir.resolve("switchboard.aot")), "train");
    assertEquals(0, run.exit(), run.output());
    assertEquals("-XX:+UseZGC -Xmx512m -XX:+ExitOnOutOfMemoryError -XX:AOTCacheOutput=" + dir.resolve("switchboard.aot")
        + " -jar " + dir.toRealPath().resolve("switchboard.jar") + " train", run.output().strip());
  }

  @Test
  void a_missing_jar_is_a_clear_error_naming_the_build_command() throws Exception {
    Result run = launch(fakeJava("17.0.15"), Map.of("SWITCHBOARD_JAR", dir.resolve("absent.jar").toString()),
        "--config", "conf/config.yaml");
    // The fallback, switchboard.jar beside bin/ (the Docker image's layout), is absent in the repository.
    assertEquals(1, run.exit(), run.output());
    assertTrue(run.output().contains("mvn -q -B package -DskipTests"), run.output());
  }

  /** A java that prints a version line for -version and otherwise echoes what it was given. */
  private Path fakeJava(String version) throws IOException {
    Path java = dir.resolve("java");
    Files.writeString(java, """
        #!/bin/sh
        if [ "$1" = "-version" ]; then echo 'openjdk version "%s" 2025-01-01' >&2; exit 0; fi
        echo "$@"
        """.formatted(version));
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    return java;
  }

  private record Result(int exit, String output) {
  }

  private Result launch(Path java, Map<String, String> env, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("sh", LAUNCHER.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().remove("JAVA_OPTS");
    builder.environment().remove("SWITCHBOARD_HEAP");
    builder.environment().put("JAVA", java.toString());
    builder.environment().putAll(env);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Result(process.waitFor(), output);
  }
}
