package dev.switchboard.bench;

import dev.switchboard.bench.LoadClient.Target;
import dev.switchboard.cli.IdleGcThreads;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * End-to-end load harness: a fast mock OpenAI upstream in this JVM, the gateway as a separate JVM
 * (cli.Main on a generated LiteLLM config), and bounded closed-loop, open-loop, streaming and
 * concurrent-streams runs against the mock directly and through the gateway. Prints a report and
 * writes it as JSON.
 *
 * <p>This class is the run's order of events; {@link HarnessOptions} (the command line),
 * {@link Pinning}, {@link MockUpstream}, {@link GatewayProcess}, {@link LoadClient},
 * {@link LoadRunner}, {@link ConcurrentStreams} and {@link Report} do the work.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar dev.switchboard.bench.LoadHarness --help}
 */
public final class LoadHarness {

  private final HarnessOptions o;

  private LoadHarness(HarnessOptions options) {
    this.o = options;
  }

  public static void main(String[] args) {
    HarnessOptions options;
    try {
      options = HarnessOptions.parse(args);
    } catch (RuntimeException e) {
      System.err.println("LoadHarness: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (options.help) {
      System.out.println(HarnessOptions.USAGE);
      return;
    }
    if (options.pin && !Pinning.harnessPinned() && Pinning.canPin(options)) {
      System.exit(Pinning.rerunPinned(options, args));
      return;
    }
    if (Pinning.harnessPinned()) {
      IdleGcThreads.Outcome idle = IdleGcThreads.apply();
      log("harness GC threads at SCHED_IDLE: %s", idle.problem() == null ? String.join(", ", idle.moved()) : idle.problem());
    }
    int code;
    try {
      code = new LoadHarness(options).run();
    } catch (Throwable t) {
      System.err.println("LoadHarness failed: " + t);
      t.printStackTrace();
      code = 1;
    }
    System.exit(code);
  }

  private int run() throws Exception {
    Thread watchdog = startWatchdog();

    Path outDir = outputDir();
    Files.createDirectories(outDir);
    Path reportPath = o.report != null ? o.report : outDir.resolve("load-report.json");
    Path gatewayLog = outDir.resolve("gateway.log");

    int loops = o.harnessLoops > 0 ? o.harnessLoops : Runtime.getRuntime().availableProcessors();
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
    LoadClient client = await(LoadClient.deploy(vertx, loops, o.concurrency));

    int mockPort = Loopback.freePort();
    await(vertx.deployVerticle(() -> new MockUpstream(mockPort, o.streamChunks, o.chunkIntervalMs, o.streamsChunks,
        o.streamsIntervalMs, o.upstreamH2), new DeploymentOptions().setInstances(loops)));
    log("mock upstream on %s://%s:%d (%d event loop%s)", o.upstreamH2 ? "https (HTTP/2)" : "http", Loopback.HOST, mockPort,
        loops, loops == 1 ? "" : "s");

    int gatewayPort = Loopback.freePort();
    Path config = Files.createTempFile("switchboard-bench-", ".yaml");
    config.toFile().deleteOnExit();
    Files.writeString(config, GatewayProcess.config(mockPort, !o.open, o.upstreamH2,
        o.database ? Files.createTempDirectory("switchboard-harness-data") : null, o.spendWriteSeconds, o.cache));
    GatewayProcess gateway = GatewayProcess.start(o, config, gatewayPort, gatewayLog);
    log("gateway: %s (SWITCHBOARD_LOG %s)", gateway.commandLine(), o.gatewayLog == null ? "unset: INFO" : o.gatewayLog);

    Target direct = client.target("direct", mockPort, MockUpstream.API_KEY, o.concurrency, o.upstreamH2);
    Target viaGateway = client.target("gateway", gatewayPort, GatewayProcess.MASTER_KEY);

    long readyMs = gateway.awaitReady(vertx, gatewayPort);
    Thread.sleep(1000);
    long rssStartKb = gateway.memoryKb("VmRSS");
    log("gateway pid %d ready in %d ms on port %d, idle RSS %.1f MB", gateway.pid(), readyMs, gatewayPort,
        rssStartKb / 1024.0);

    sanityCheck(client, List.of(direct, viaGateway));

    Report report = new Report(o, gateway, client.eventLoops());
    LoadRunner runner = new LoadRunner(client, gateway.pid(), o.concurrency, o.maxRequests);

    // (g) the gateway's first minute under saturating load, before anything has warmed it up
    if (o.phases.contains("cold")) {
      log("cold start: closed loop from the first request, %d connections, %.0f s in %.0f s windows", o.concurrency,
          o.coldSeconds, ColdStart.WINDOW_S);
      ColdStart cold = ColdStart.run(runner, viaGateway, readyMs, o.coldSeconds);
      report.coldStart(cold);
    }

    // JIT warm-up of the gateway (and of this harness). C2 shares the gateway's single core: after
    // 15 s of load it still takes enough of it to add ~2 ms to the open-loop p99 at 2000 req/s;
    // after 40 s the gateway's p99 matched direct.
    if (o.gatewayWarmupS > 0) {
      log("gateway JIT warm-up: %.0f s closed loop, %d connections, 1 in 4 streaming", o.gatewayWarmupS,
          o.concurrency);
      Phase warm = runner.closedLoop(viaGateway, 0, o.gatewayWarmupS, 4);
      log("  warm-up: %s", warm.summary());
      report.gatewayWarmup(warm);
    }

    // (a)+(b) closed-loop max throughput, and the gateway's CPU per request at it
    if (o.phases.contains("max")) {
      log("max throughput, closed loop, %d connections: %.0f s warm-up + %.0f s each", o.concurrency, o.maxWarmupS,
          o.maxDurationS);
      Phase maxDirect = runner.closedLoop(direct, o.maxWarmupS, o.maxDurationS, 0);
      log("  direct : %s", maxDirect.summary());
      Phase maxGateway = runner.closedLoop(viaGateway, o.maxWarmupS, o.maxDurationS, 0);
      log("  gateway: %s", maxGateway.summary());
      report.maxThroughput(maxDirect, maxGateway);
    }

    // (c) open loop at fixed rates
    if (o.phases.contains("open")) {
      List<Report.Pair> pairs = new ArrayList<>();
      for (int rate : o.rates) {
        log("open loop at %d req/s: %.0f s warm-up + %.0f s each", rate, o.rateWarmupS, o.rateDurationS);
        Phase d = runner.openLoop(direct, rate, o.rateWarmupS, o.rateDurationS, false);
        log("  direct : %s", d.summary());
        Phase g = runner.openLoop(viaGateway, rate, o.rateWarmupS, o.rateDurationS, false);
        log("  gateway: %s", g.summary());
        pairs.add(new Report.Pair(d, g));
      }
      report.openLoop(pairs);
    }

    // (d) streaming time to first token
    if (o.phases.contains("stream")) {
      log("streaming at %d streams/s (%d content chunks, %d ms apart): %.0f s warm-up + %.0f s each", o.streamRate,
          o.streamChunks, o.chunkIntervalMs, o.streamWarmupS, o.streamDurationS);
      Phase sDirect = runner.openLoop(direct, o.streamRate, o.streamWarmupS, o.streamDurationS, true);
      log("  direct : %s", sDirect.summary());
      Phase sGateway = runner.openLoop(viaGateway, o.streamRate, o.streamWarmupS, o.streamDurationS, true);
      log("  gateway: %s", sGateway.summary());
      report.streaming(sDirect, sGateway);
    }

    // (f) many paced streams open at once: added TTFT and chunk gaps, the gateway's memory per stream
    if (o.phases.contains("streams")) {
      log("%d concurrent streams (%d content chunks, %d ms apart), started over %d ms; two rounds each way, "
          + "the first opens the connections", o.streams, o.streamsChunks, o.streamsIntervalMs, o.streamsRampMs);
      report.concurrentStreams(new ConcurrentStreams(o, client, runner, gateway).run(mockPort, gatewayPort));
    }

    // (e) memory once the load has stopped
    Thread.sleep(2000);
    report.gatewayMemoryAndThreads(rssStartKb, gateway);

    gateway.stop();
    report.gatewayLog(gateway.scanLog());
    report.write(reportPath);
    report.print(reportPath, runner.ran());
    watchdog.interrupt();
    await(vertx.close());
    return 0;
  }

  /** Exits (which stops the gateway through its shutdown hook) once --max-total has passed. */
  private Thread startWatchdog() {
    long deadlineMs = (long) (o.maxTotalS * 1000);
    Thread watchdog = new Thread(() -> {
      try {
        Thread.sleep(deadlineMs);
        System.err.println("LoadHarness: --max-total " + o.maxTotalS + " s reached; stopping");
        System.exit(3);
      } catch (InterruptedException ignored) {
        // finished in time
      }
    }, "harness-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    return watchdog;
  }

  /** One plain and one streaming call each way must succeed before anything is measured. */
  private static void sanityCheck(LoadClient client, List<Target> targets) throws Exception {
    Context ctx = client.loop(0);
    for (Target target : targets) {
      Promise<Void> plain = Promise.promise();
      ctx.runOnContext(v -> client.call(target).onComplete(plain));
      await(plain.future());
      Promise<long[]> streamed = Promise.promise();
      ctx.runOnContext(v -> client.stream(target).onComplete(streamed));
      await(streamed.future());
    }
    log("sanity: plain and streaming calls answer 200 directly and through the gateway");
  }

  /** Where the jar (or classes directory) is: benchmarks/target. */
  private static Path outputDir() {
    try {
      Path location = Path.of(LoadHarness.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      // benchmarks/target/benchmarks.jar -> benchmarks/target; benchmarks/target/classes -> benchmarks/target
      return location.getParent();
    } catch (Exception e) {
      return Path.of("benchmarks", "target");
    }
  }

  static void log(String format, Object... args) {
    System.out.printf(Locale.ROOT, "[harness] " + format + "%n", args);
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
