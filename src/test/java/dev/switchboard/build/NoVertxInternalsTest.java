package dev.switchboard.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The gateway uses Vert.x through its public API only: internals change without notice between releases. */
class NoVertxInternalsTest {

  private static final Pattern INTERNAL = Pattern.compile("\\bio\\.vertx\\.[\\w.]*\\.(impl|internal)\\.");

  @Test
  void no_main_source_uses_a_vertx_impl_or_internal_package() throws IOException {
    Path main = Path.of("src/main/java");
    assertTrue(Files.isDirectory(main), "run from the project root");
    List<String> offenders;
    try (Stream<Path> files = Files.walk(main)) {
      offenders = files.filter(file -> file.toString().endsWith(".java")).filter(file -> {
        try {
          return INTERNAL.matcher(Files.readString(file)).find();
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }).map(Path::toString).sorted().toList();
    }
    assertEquals(List.of(), offenders, "files that use io.vertx.*.impl.* or io.vertx.*.internal.* (internal Vert.x API)");
  }
}
