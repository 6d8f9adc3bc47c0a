package dev.switchboard.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What the spend spool's durability costs per row on this disk: appending a ~500-byte row with
 * write() (into the OS's page cache: survives the gateway process being killed, which is what the
 * spool does before an answer is released), against write() followed by fsync (survives a machine
 * crash; the spool does it once per segment, when a batch is closed).
 * {@code java -cp benchmarks/target/benchmarks.jar dev.switchboard.bench.SpoolAppendCost [dir]}
 */
public final class SpoolAppendCost {

  private SpoolAppendCost() {
  }

  public static void main(String[] args) throws IOException {
    Path dir = Files.createTempDirectory(Path.of(args.length > 0 ? args[0] : System.getProperty("java.io.tmpdir")),
        "spool-cost");
    byte[] row = ("{\"id\":\"" + "x".repeat(480) + "\"}\n").getBytes(StandardCharsets.UTF_8);
    for (int round = 0; round < 2; round++) {
      for (boolean fsync : new boolean[] {false, true}) {
        Path file = dir.resolve("segment-" + round + "-" + fsync);
        int rows = fsync ? 2_000 : 200_000;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.APPEND)) {
          long start = System.nanoTime();
          for (int i = 0; i < rows; i++) {
            channel.write(ByteBuffer.wrap(row));
            if (fsync) {
              channel.force(false);
            }
          }
          System.out.printf("round %d, %s: %.2f us per row (%d rows)%n", round + 1,
              fsync ? "write + fsync" : "write only", (System.nanoTime() - start) / 1e3 / rows, rows);
        }
        Files.delete(file);
      }
    }
    Files.delete(dir);
  }
}
