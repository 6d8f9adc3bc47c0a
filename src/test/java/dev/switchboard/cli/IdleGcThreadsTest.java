package dev.switchboard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.GatewayJvm;
import dev.switchboard.testing.Gateways;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code --idle-gc-threads} on a real gateway process: which threads it moves to SCHED_IDLE, and which it leaves. */
@Tag("slow")
@ExtendWith(VertxExtension.class)
// Gateways in their own JVMs (and clusters) start slowly on a loaded machine: bounds are generous.
@Timeout(value = 3, timeUnit = TimeUnit.MINUTES)
@EnabledOnOs(OS.LINUX)
class IdleGcThreadsTest {

  private static final int SCHED_OTHER = 0;
  private static final int SCHED_IDLE = 5;

  @TempDir
  Path dir;

  @RegisterExtension
  final GatewayJvm jvm = new GatewayJvm();

  @Test
  void only_concurrent_gc_threads_are_named() {
    for (String gc : List.of("ZWorker#0", "ZDriver", "ZDirector", "G1 Conc#0", "G1 Refine#0", "G1 Main Marker",
        "Shenandoah Control Thread")) {
      assertTrue(IdleGcThreads.CONCURRENT_GC.matcher(gc).matches(), gc);
    }
    // Stop-the-world workers, the VM thread and our own threads keep their priority.
    for (String other : List.of("GC Thread#0", "VM Thread", "vert.x-eventloo", "C2 CompilerThre", "Zed")) {
      assertFalse(IdleGcThreads.CONCURRENT_GC.matcher(other).matches(), other);
    }
  }

  @Test
  void zgc_threads_go_idle_and_the_event_loop_does_not(Vertx vertx, VertxTestContext ctx) throws IOException {
    Path log = dir.resolve("gateway.log");
    WebClient client = WebClient.create(vertx);
    serving(vertx, client, log, "-XX:+UseZGC").onComplete(ctx.succeeding(process -> ctx.verify(() -> {
          Map<String, Integer> policies = schedulingPolicies(process.pid());
          List<String> gcThreads = policies.keySet().stream().filter(name -> name.startsWith("ZWorker")).toList();
          assertFalse(gcThreads.isEmpty(), "ZGC runs workers: " + policies.keySet());
          for (String gc : gcThreads) {
            assertEquals(SCHED_IDLE, policies.get(gc), gc + " runs at SCHED_IDLE");
          }
          assertEquals(SCHED_IDLE, policies.get("ZDriver"));
          List<String> loops = policies.keySet().stream().filter(name -> name.startsWith("vert.x-eventloo")).toList();
          assertFalse(loops.isEmpty(), "event loops: " + policies.keySet());
          loops.forEach(loop -> assertEquals(SCHED_OTHER, policies.get(loop), loop + " keeps its priority"));
          assertTrue(Files.readString(log).contains("now run at SCHED_IDLE"), Files.readString(log));
          client.close();
          ctx.completeNow();
        })));
  }

  @Test
  void with_serial_gc_it_says_there_is_nothing_to_move_and_serves(Vertx vertx, VertxTestContext ctx)
      throws IOException {
    Path log = dir.resolve("gateway.log");
    WebClient client = WebClient.create(vertx);
    serving(vertx, client, log, "-XX:+UseSerialGC").onComplete(ctx.succeeding(process -> ctx.verify(() -> {
          assertTrue(schedulingPolicies(process.pid()).values().stream().noneMatch(policy -> policy == SCHED_IDLE));
          assertTrue(Files.readString(log).contains("no concurrent GC threads"), Files.readString(log));
          client.close();
          ctx.completeNow();
        })));
  }

  /** A gateway JVM with this collector and --idle-gc-threads, once it serves. */
  private Future<Process> serving(Vertx vertx, WebClient client, Path log, String gc) {
    int port = Gateways.freePort();
    try {
      Path config = Files.writeString(dir.resolve("config.yaml"), "model_list: []\ngeneral_settings: {database_url: none}\n");
      Process process = jvm.start(config, port, log, List.of(gc), List.of("--idle-gc-threads"),
          Map.of("SWITCHBOARD_LOG", "INFO"));
      return GatewayJvm.serving(vertx, process, port, log, 60_000).map(process);
    } catch (IOException e) {
      return Future.failedFuture(e);
    }
  }

  /** Thread name (as /proc shortens it) to scheduling policy, field 41 of /proc/PID/task/TID/stat. */
  private static Map<String, Integer> schedulingPolicies(long pid) throws IOException {
    Map<String, Integer> policies = new TreeMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : tasks.toList()) {
        String stat = Files.readString(task.resolve("stat"));
        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        // After the name come fields 3, 4, ...; the policy is field 41.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        policies.merge(name, Integer.parseInt(fields[41 - 3]), Math::max);
      }
    }
    return policies;
  }
}
