package dev.switchboard.bench;

import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * End-to-end load harness: a fast mock OpenAI upstream in this JVM, the gateway as a separate JVM
 * (cli.Main on a generated LiteLLM config), and bounded closed-loop, open-loop and streaming runs
 * against the mock directly and through the gateway. Prints a report and writes it as JSON.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar dev.switchboard.bench.LoadHarness --help}
 */
public final class LoadHarness {

  private static final String PINNED_PROPERTY = "switchboard.bench.pinned";
  private static final String TASKSET = "/usr/bin/taskset";
  private static final String MASTER_KEY = "sk-bench-master";
  private static final String UPSTREAM_KEY = "sk-bench";
  private static final String PATH = "/v1/chat/completions";
  private static final String HOST = "127.0.0.1";

  // ---------------------------------------------------------------------------------------------
  // Options

  static final class Options {
    int concurrency = 64;
    double gatewayWarmupS = 15;
    double maxWarmupS = 3;
    double maxDurationS = 8;
    long maxRequests = 2_000_000;
    int[] rates = {500, 2000};
    double rateWarmupS = 2;
    double rateDurationS = 10;
    int streamRate = 100;
    double streamWarmupS = 2;
    double streamDurationS = 10;
    int streamChunks = 20;
    int chunkIntervalMs = 5;
    boolean pin = true;
    String harnessCpus = "1";
    String gatewayCpus = "0";
    List<String> gatewayJvmOpts = new ArrayList<>();
    int harnessLoops = 0;
    boolean open = false;
    double maxTotalS = 300;
    Path report;
    Path gatewayLog;
    boolean help;
    java.util.Set<String> phases = new java.util.LinkedHashSet<>(List.of("max", "open", "stream"));

    static final String USAGE = String.join(System.lineSeparator(),
        "Usage: java -cp benchmarks/target/benchmarks.jar dev.switchboard.bench.LoadHarness [options]",
        "",
        "  --concurrency N        connections of the closed-loop max-throughput run (default 64)",
        "  --gateway-warmup S     JIT warm-up through the gateway first, closed loop, 1 caller in 4",
        "                         streaming (default 15; the gateway's JIT shares its one core)",
        "  --max-warmup S         warm-up seconds before each max-throughput run (default 3)",
        "  --max-duration S       measured seconds of each max-throughput run (default 8)",
        "  --max-requests N       cap on requests sent by each max-throughput run (default 2000000)",
        "  --rates R1,R2          open-loop fixed rates in requests/s (default 500,2000)",
        "  --rate-warmup S        warm-up seconds at each rate, not recorded (default 2)",
        "  --rate-duration S      measured seconds at each rate (default 10)",
        "  --stream-rate R        streams/s of the streaming run (default 100)",
        "  --stream-warmup S      (default 2)   --stream-duration S   (default 10)",
        "  --stream-chunks N      content chunks per mock stream (default 20)",
        "  --chunk-interval-ms N  mock delay between stream chunks, 0 = all at once (default 5)",
        "  --no-pin               do not pin anything with taskset",
        "  --harness-cpus LIST    taskset CPU list for this harness (default 1)",
        "  --gateway-cpus LIST    taskset CPU list for the gateway JVM (default 0)",
        "  --gateway-jvm-opt OPT  extra JVM option for the gateway (repeatable), e.g. -XX:+UseParallelGC",
        "  --harness-loops N      event loops of the harness Vert.x (default: available processors)",
        "  --open                 no master_key in the gateway config (default: master_key set, auth on)",
        "  --max-total S          hard limit for the whole run, then exit (default 300)",
        "  --report PATH          JSON report (default: <jar dir>/load-report.json)",
        "  --phases LIST          which runs, of max,open,stream (default: all three)",
        "  --help");

    static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        String v = null;
        int eq = a.indexOf('=');
        if (a.startsWith("--") && eq > 0) {
          v = a.substring(eq + 1);
          a = a.substring(0, eq);
        }
        switch (a) {
          case "--help", "-h" -> o.help = true;
          case "--no-pin" -> o.pin = false;
          case "--open" -> o.open = true;
          default -> {
            String value = v != null ? v : (i + 1 < args.length ? args[++i] : null);
            if (value == null) {
              throw new IllegalArgumentException("option " + a + " needs a value");
            }
            switch (a) {
              case "--concurrency" -> o.concurrency = positive(a, Integer.parseInt(value));
              case "--max-warmup" -> o.maxWarmupS = Double.parseDouble(value);
              case "--gateway-warmup" -> o.gatewayWarmupS = Double.parseDouble(value);
              case "--max-duration" -> o.maxDurationS = positive(a, Double.parseDouble(value));
              case "--max-requests" -> o.maxRequests = positive(a, Long.parseLong(value));
              case "--rates" -> o.rates = Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                  .mapToInt(Integer::parseInt).toArray();
              case "--rate-warmup" -> o.rateWarmupS = Double.parseDouble(value);
              case "--rate-duration" -> o.rateDurationS = positive(a, Double.parseDouble(value));
              case "--stream-rate" -> o.streamRate = positive(a, Integer.parseInt(value));
              case "--stream-warmup" -> o.streamWarmupS = Double.parseDouble(value);
              case "--stream-duration" -> o.streamDurationS = positive(a, Double.parseDouble(value));
              case "--stream-chunks" -> o.streamChunks = positive(a, Integer.parseInt(value));
              case "--chunk-interval-ms" -> o.chunkIntervalMs = Integer.parseInt(value);
              case "--harness-cpus" -> o.harnessCpus = value;
              case "--gateway-cpus" -> o.gatewayCpus = value;
              case "--gateway-jvm-opt" -> o.gatewayJvmOpts.add(value);
              case "--harness-loops" -> o.harnessLoops = Integer.parseInt(value);
              case "--max-total" -> o.maxTotalS = positive(a, Double.parseDouble(value));
              case "--report" -> o.report = Path.of(value);
              case "--phases" -> {
                o.phases.clear();
                for (String phase : value.split(",")) {
                  if (!List.of("max", "open", "stream").contains(phase.trim())) {
                    throw new IllegalArgumentException("--phases takes max, open and/or stream");
                  }
                  o.phases.add(phase.trim());
                }
              }
              default -> throw new IllegalArgumentException("unknown option " + a + "; try --help");
            }
          }
        }
      }
      for (int rate : o.rates) {
        positive("--rates", rate);
      }
      return o;
    }

    private static <N extends Number> N positive(String option, N n) {
      if (n.doubleValue() <= 0) {
        throw new IllegalArgumentException(option + " must be positive");
      }
      return n;
    }

    JsonObject toJson() {
      return new JsonObject()
          .put("concurrency", concurrency).put("gateway_warmup_s", gatewayWarmupS).put("max_warmup_s", maxWarmupS).put("max_duration_s", maxDurationS)
          .put("max_requests", maxRequests).put("rates", new JsonArray(Arrays.stream(rates).boxed().toList()))
          .put("rate_warmup_s", rateWarmupS).put("rate_duration_s", rateDurationS)
          .put("stream_rate", streamRate).put("stream_warmup_s", streamWarmupS)
          .put("stream_duration_s", streamDurationS).put("stream_chunks", streamChunks)
          .put("chunk_interval_ms", chunkIntervalMs).put("master_key", !open)
          .put("gateway_jvm_opts", new JsonArray(gatewayJvmOpts));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Entry point, self-pinning

  public static void main(String[] args) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (RuntimeException e) {
      System.err.println("LoadHarness: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (options.help) {
      System.out.println(Options.USAGE);
      return;
    }
    if (options.pin && System.getProperty(PINNED_PROPERTY) == null && canPin(options)) {
      System.exit(reexecPinned(options, args));
      return;
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

  private static boolean canPin(Options o) {
    if (!new File(TASKSET).canExecute()) {
      return false;
    }
    TreeSet<Integer> allowed = cpuList(procStatusField("self", "Cpus_allowed_list"));
    TreeSet<Integer> wanted = cpuList(o.harnessCpus);
    wanted.addAll(cpuList(o.gatewayCpus));
    return !allowed.isEmpty() && allowed.containsAll(wanted);
  }

  /** Runs this same harness again under {@code taskset -c <harnessCpus>}, so the JVM sizes itself for them. */
  private static int reexecPinned(Options o, String[] args) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(TASKSET, "-c", o.harnessCpus, java));
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    command.add("-D" + PINNED_PROPERTY + "=" + o.harnessCpus);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), LoadHarness.class.getName()));
    command.addAll(Arrays.asList(args));
    try {
      Process child = new ProcessBuilder(command).inheritIO().start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(child), "harness-child-stop"));
      if (!child.waitFor((long) (o.maxTotalS + 60), TimeUnit.SECONDS)) {
        System.err.println("LoadHarness: pinned run exceeded its time limit; stopping it");
        stop(child);
        return 3;
      }
      return child.exitValue();
    } catch (IOException | InterruptedException e) {
      System.err.println("LoadHarness: cannot re-run under taskset (" + e + "); run with --no-pin");
      return 1;
    }
  }

  private static void stop(Process process) {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The run

  private final Options o;
  private final long clockTicks = clockTicks();
  private Vertx vertx;
  private final List<Context> contexts = new CopyOnWriteArrayList<>();
  private Process gateway;
  private Target direct;
  private Target viaGateway;
  private Buffer plainBody;
  private Buffer streamBody;
  private final List<Phase> phases = new ArrayList<>();

  private LoadHarness(Options options) {
    this.o = options;
  }

  /** Where a call goes: the mock directly, or the gateway. */
  record Target(String name, HttpClientAgent client, int port, MultiMap headers) {
  }

  private int run() throws Exception {
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

    Path outDir = outputDir();
    Files.createDirectories(outDir);
    Path reportPath = o.report != null ? o.report : outDir.resolve("load-report.json");
    Path gatewayLog = outDir.resolve("gateway.log");

    int loops = o.harnessLoops > 0 ? o.harnessLoops : Runtime.getRuntime().availableProcessors();
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
    await(vertx.deployVerticle(() -> new VerticleBase() {
      @Override
      public Future<?> start() {
        contexts.add(context);
        return Future.succeededFuture();
      }
    }, new DeploymentOptions().setInstances(loops)));

    plainBody = Buffer.buffer(Payloads.chatBody("bench", false, false));
    streamBody = Buffer.buffer(Payloads.chatBody("bench", true, true));

    int mockPort = freePort();
    await(vertx.deployVerticle(() -> new MockUpstream(mockPort, o.streamChunks, o.chunkIntervalMs),
        new DeploymentOptions().setInstances(loops)));
    log("mock upstream on http://%s:%d (%d event loop%s)", HOST, mockPort, loops, loops == 1 ? "" : "s");

    int gatewayPort = freePort();
    Path config = Files.createTempFile("switchboard-bench-", ".yaml");
    config.toFile().deleteOnExit();
    Files.writeString(config, gatewayConfig(mockPort));
    long gatewayPid = startGateway(config, gatewayPort, gatewayLog);

    direct = new Target("direct", client(), mockPort,
        MultiMap.caseInsensitiveMultiMap().set(HttpHeaders.CONTENT_TYPE, "application/json")
            .set(HttpHeaders.AUTHORIZATION, "Bearer " + UPSTREAM_KEY));
    viaGateway = new Target("gateway", client(), gatewayPort,
        MultiMap.caseInsensitiveMultiMap().set(HttpHeaders.CONTENT_TYPE, "application/json")
            .set(HttpHeaders.AUTHORIZATION, "Bearer " + MASTER_KEY));

    long readyMs = awaitReady(gatewayPort, gatewayLog);
    Thread.sleep(1000);
    long rssStartKb = procStatusKb(gatewayPid, "VmRSS");
    log("gateway pid %d ready in %d ms on port %d, idle RSS %.1f MB", gatewayPid, readyMs, gatewayPort,
        rssStartKb / 1024.0);

    sanityCheck();

    JsonObject report = new JsonObject().put("generated_at", Instant.now().toString());
    JsonObject env = environment(gatewayPid, gatewayLog);
    report.put("environment", env).put("options", o.toJson());

    // JIT warm-up of the gateway (and of this harness): C2 shares the gateway's single core and
    // needs ~15 s of load before per-request CPU settles; measuring earlier over-states it ~2x.
    if (o.gatewayWarmupS > 0) {
      log("gateway JIT warm-up: %.0f s closed loop, %d connections, 1 in 4 streaming", o.gatewayWarmupS,
          o.concurrency);
      Phase warm = closedLoop(viaGateway, gatewayPid, 0, o.gatewayWarmupS, 4);
      log("  warm-up: %s", warm.summary());
      report.put("gateway_warmup", warm.toJson());
    }

    // (a)+(b) closed-loop max throughput
    Phase maxDirect = null;
    Phase maxGateway = null;
    if (o.phases.contains("max")) {
      log("max throughput, closed loop, %d connections: %.0f s warm-up + %.0f s each", o.concurrency, o.maxWarmupS,
          o.maxDurationS);
      maxDirect = closedLoop(direct, gatewayPid, o.maxWarmupS, o.maxDurationS, 0);
      log("  direct : %s", maxDirect.summary());
      maxGateway = closedLoop(viaGateway, gatewayPid, o.maxWarmupS, o.maxDurationS, 0);
      log("  gateway: %s", maxGateway.summary());
      report.put("max_throughput", new JsonObject()
          .put("concurrency", o.concurrency)
          .put("direct", maxDirect.toJson())
          .put("gateway", maxGateway.toJson())
          .put("ratio_gateway_to_direct", round(maxGateway.rps() / maxDirect.rps(), 3))
          .put("gateway_cpu_us_per_request", round(maxGateway.gatewayCpuUsPerRequest(), 1)));
    }

    // (c) open loop at fixed rates
    List<Phase[]> fixed = new ArrayList<>();
    if (o.phases.contains("open")) {
      JsonArray openLoop = new JsonArray();
      for (int rate : o.rates) {
        log("open loop at %d req/s: %.0f s warm-up + %.0f s each", rate, o.rateWarmupS, o.rateDurationS);
        Phase d = openLoop(direct, rate, o.rateWarmupS, o.rateDurationS, false, gatewayPid);
        log("  direct : %s", d.summary());
        Phase g = openLoop(viaGateway, rate, o.rateWarmupS, o.rateDurationS, false, gatewayPid);
        log("  gateway: %s", g.summary());
        fixed.add(new Phase[] {d, g});
        openLoop.add(new JsonObject().put("rate", rate).put("direct", d.toJson()).put("gateway", g.toJson())
            .put("added_p50_us", added(d.latency, g.latency, 50))
            .put("added_p99_us", added(d.latency, g.latency, 99))
            .put("added_p999_us", added(d.latency, g.latency, 99.9)));
      }
      report.put("open_loop", openLoop);
    }

    // (d) streaming time to first token
    Phase sDirect = null;
    Phase sGateway = null;
    if (o.phases.contains("stream")) {
      log("streaming at %d streams/s (%d content chunks, %d ms apart): %.0f s warm-up + %.0f s each", o.streamRate,
          o.streamChunks, o.chunkIntervalMs, o.streamWarmupS, o.streamDurationS);
      sDirect = openLoop(direct, o.streamRate, o.streamWarmupS, o.streamDurationS, true, gatewayPid);
      log("  direct : %s", sDirect.summary());
      sGateway = openLoop(viaGateway, o.streamRate, o.streamWarmupS, o.streamDurationS, true, gatewayPid);
      log("  gateway: %s", sGateway.summary());
      report.put("streaming", new JsonObject()
          .put("rate", o.streamRate).put("content_chunks", o.streamChunks)
          .put("chunk_interval_ms", o.chunkIntervalMs)
          .put("direct", sDirect.toJson()).put("gateway", sGateway.toJson())
          .put("added_ttft_p50_us", added(sDirect.latency, sGateway.latency, 50))
          .put("added_ttft_p99_us", added(sDirect.latency, sGateway.latency, 99))
          .put("added_stream_total_p50_us", added(sDirect.total, sGateway.total, 50)));
    }
    // (e) memory after the load
    Thread.sleep(2000);
    long rssAfterKb = procStatusKb(gatewayPid, "VmRSS");
    long hwmKb = procStatusKb(gatewayPid, "VmHWM");
    report.put("gateway_memory", new JsonObject().put("idle_rss_after_start_kb", rssStartKb)
        .put("idle_rss_after_load_kb", rssAfterKb).put("peak_rss_kb", hwmKb));
    env.put("gateway_event_loop_threads", countThreads(gatewayPid, "vert.x-eventloo"));
    env.put("gateway_threads", countThreads(gatewayPid, ""));

    stopGateway();
    report.put("gateway_log", scanLog(gatewayLog));
    Files.writeString(reportPath, report.encodePrettily());
    printReport(report, maxDirect, maxGateway, fixed, sDirect, sGateway, reportPath);
    watchdog.interrupt();
    await(vertx.close());
    return 0;
  }

  // ---------------------------------------------------------------------------------------------
  // Gateway process

  private String gatewayConfig(int mockPort) {
    String yaml = String.join("\n",
        "# Generated by dev.switchboard.bench.LoadHarness",
        "model_list:",
        "  - model_name: bench",
        "    litellm_params:",
        "      model: openai/bench",
        "      api_base: http://" + HOST + ":" + mockPort + "/v1",
        "      api_key: " + UPSTREAM_KEY,
        "");
    if (!o.open) {
      yaml += String.join("\n", "general_settings:", "  master_key: " + MASTER_KEY, "");
    }
    return yaml;
  }

  private long startGateway(Path config, int port, Path logFile) throws IOException {
    List<String> command = new ArrayList<>();
    boolean pinned = o.pin && new File(TASKSET).canExecute() && System.getProperty(PINNED_PROPERTY) != null;
    if (pinned) {
      command.addAll(List.of(TASKSET, "-c", o.gatewayCpus));
    }
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // Print-only: records the heap and GC the JVM's ergonomics picked, for the report.
    command.add("-XX:+PrintCommandLineFlags");
    command.addAll(o.gatewayJvmOpts);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.switchboard.cli.Main",
        "--config", config.toString(), "--host", HOST, "--port", Integer.toString(port)));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(logFile.toFile());
    builder.environment().put("SWITCHBOARD_LOG", "WARNING");
    builder.environment().remove("LITELLM_LOG");
    gateway = builder.start();
    Process started = gateway;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(started), "gateway-stop"));
    log("gateway: %s", String.join(" ", command));
    return gateway.pid();
  }

  private long awaitReady(int port, Path logFile) throws Exception {
    long start = System.nanoTime();
    HttpClientAgent probe = vertx.createHttpClient();
    try {
      while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(60)) {
        if (!gateway.isAlive()) {
          throw new IllegalStateException("gateway exited with " + gateway.exitValue() + ":\n"
              + Files.readString(logFile));
        }
        try {
          int status = probe.request(HttpMethod.GET, port, HOST, "/health/readiness")
              .compose(r -> r.send().compose(resp -> resp.body().map(b -> resp.statusCode())))
              .toCompletionStage().toCompletableFuture().get(2, TimeUnit.SECONDS);
          if (status == 200) {
            return (System.nanoTime() - start) / 1_000_000;
          }
        } catch (Exception notYet) {
          // not listening yet
        }
        Thread.sleep(100);
      }
    } finally {
      probe.close();
    }
    throw new IllegalStateException("gateway not ready after 60 s; see " + logFile);
  }

  private void stopGateway() {
    if (gateway != null) {
      stop(gateway);
    }
  }

  private JsonObject environment(long gatewayPid, Path gatewayLog) throws IOException {
    String flags = "";
    for (String line : Files.readAllLines(gatewayLog)) {
      if (line.startsWith("-XX:")) {
        flags = line.trim();
        break;
      }
    }
    Matcher gc = Pattern.compile("-XX:\\+Use(\\w+)GC").matcher(flags);
    return new JsonObject()
        .put("machine_cpus", cpuList(procStatusField("1", "Cpus_allowed_list")).size())
        .put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"))
        .put("harness_cpus_allowed", procStatusField("self", "Cpus_allowed_list"))
        .put("harness_event_loops", contexts.size())
        .put("harness_pinned", System.getProperty(PINNED_PROPERTY) != null)
        .put("gateway_pid", gatewayPid)
        .put("gateway_cpus_allowed", procStatusField(Long.toString(gatewayPid), "Cpus_allowed_list"))
        .put("gateway_jvm_flags", flags)
        .put("gateway_gc", gc.find() ? gc.group(1) : "unknown")
        .put("clock_ticks_per_s", clockTicks);
  }

  private JsonObject scanLog(Path logFile) throws IOException {
    List<String> lines = Files.exists(logFile) ? Files.readAllLines(logFile) : List.of();
    JsonArray notable = new JsonArray();
    int warnings = 0;
    int errors = 0;
    for (String line : lines) {
      boolean error = line.contains(" ERROR ") || line.contains("Exception");
      boolean warning = line.contains(" WARN ");
      errors += error ? 1 : 0;
      warnings += warning ? 1 : 0;
      if ((error || warning) && notable.size() < 10) {
        notable.add(line.length() > 300 ? line.substring(0, 300) + "..." : line);
      }
    }
    return new JsonObject().put("path", logFile.toString()).put("lines", lines.size()).put("warnings", warnings)
        .put("errors", errors).put("first_notable_lines", notable);
  }

  // ---------------------------------------------------------------------------------------------
  // Calls

  private HttpClientAgent client() {
    return vertx.createHttpClient(
        new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true).setPipelining(false).setDefaultHost(HOST),
        new PoolOptions().setHttp1MaxSize(Math.max(o.concurrency, 16)).setMaxWaitQueueSize(-1));
  }

  private static RequestOptions post(Target target) {
    return new RequestOptions().setMethod(HttpMethod.POST).setHost(HOST).setPort(target.port()).setURI(PATH)
        .setHeaders(target.headers()).setIdleTimeout(30_000);
  }

  /** A non-streaming call; fails unless 200 with a chat.completion body. */
  private Future<Void> call(Target target) {
    return target.client().request(post(target))
        .compose(request -> request.send(plainBody))
        .compose(response -> response.body().compose(body -> response.statusCode() == 200 && body.length() > 20
            ? Future.<Void>succeededFuture()
            : Future.failedFuture("status " + response.statusCode() + ": " + truncate(body.toString()))));
  }

  /** A streaming call; completes with [first data chunk nanoTime, end nanoTime], fails without [DONE]. */
  private Future<long[]> stream(Target target) {
    return target.client().request(post(target))
        .compose(request -> request.send(streamBody))
        .compose(response -> {
          if (response.statusCode() != 200) {
            return response.body().compose(body -> Future.failedFuture(
                "status " + response.statusCode() + ": " + truncate(body.toString())));
          }
          Promise<long[]> done = Promise.promise();
          long[] times = new long[2];
          StringBuilder tail = new StringBuilder(64);
          response.handler(chunk -> {
            if (times[0] == 0 && chunk.length() > 0) {
              times[0] = System.nanoTime();
            }
            tail.append(chunk.toString(StandardCharsets.UTF_8));
            if (tail.length() > 64) {
              tail.delete(0, tail.length() - 64);
            }
          });
          response.exceptionHandler(done::tryFail);
          response.endHandler(v -> {
            times[1] = System.nanoTime();
            if (times[0] != 0 && tail.indexOf("data: [DONE]") >= 0) {
              done.tryComplete(times);
            } else {
              done.tryFail("stream ended without data: [DONE]: ..." + tail);
            }
          });
          return done.future();
        });
  }

  private void sanityCheck() throws Exception {
    for (Target target : List.of(direct, viaGateway)) {
      Context ctx = contexts.get(0);
      Promise<Void> plain = Promise.promise();
      ctx.runOnContext(v -> call(target).onComplete(plain));
      await(plain.future());
      Promise<long[]> streamed = Promise.promise();
      ctx.runOnContext(v -> stream(target).onComplete(streamed));
      await(streamed.future());
    }
    log("sanity: plain and streaming calls answer 200 directly and through the gateway");
  }

  // ---------------------------------------------------------------------------------------------
  // Phases

  /** One measured run against one target. */
  final class Phase {
    final String target;
    final String kind;
    Histogram latency;
    Histogram total;
    long ok;
    long errors;
    long incomplete;
    double seconds;
    double gatewayCpuS;
    double gatewayUserS;
    double gatewaySysS;
    double harnessCpuS;
    double otherCpuS;
    double stealS;
    double targetRate;
    double meanPacerLagUs;
    String firstError;

    Phase(String target, String kind) {
      this.target = target;
      this.kind = kind;
      phases.add(this);
    }

    double rps() {
      return seconds > 0 ? ok / seconds : 0;
    }

    double gatewayCpuUsPerRequest() {
      return perRequestUs(gatewayCpuS);
    }

    double perRequestUs(double cpuSeconds) {
      return ok > 0 && "gateway".equals(target) ? cpuSeconds * 1e6 / ok : 0;
    }

    String summary() {
      String s = String.format(Locale.ROOT, "%d ok in %.1f s = %.0f req/s, %s p50 %.0f p99 %.0f p99.9 %.0f µs",
          ok, seconds, rps(), "stream".equals(kind) ? "TTFT" : "latency",
          us(latency.getValueAtPercentile(50)), us(latency.getValueAtPercentile(99)),
          us(latency.getValueAtPercentile(99.9)));
      if ("gateway".equals(target)) {
        s += String.format(Locale.ROOT, ", gateway CPU %.0f%% = %.0f µs/req", 100 * gatewayCpuS / seconds,
            gatewayCpuUsPerRequest());
      }
      s += String.format(Locale.ROOT, ", harness CPU %.0f%%", 100 * harnessCpuS / seconds);
      if (otherCpuS / seconds > 0.05 || stealS / seconds > 0.05) {
        s += String.format(Locale.ROOT, " (NOISE: other processes %.0f%%, steal %.0f%% of a core)",
            100 * otherCpuS / seconds, 100 * stealS / seconds);
      }
      if (errors + incomplete > 0) {
        s += " ERRORS " + errors + " incomplete " + incomplete + " (" + firstError + ")";
      }
      return s;
    }

    JsonObject toJson() {
      JsonObject json = new JsonObject().put("ok", ok).put("errors", errors).put("incomplete", incomplete)
          .put("seconds", round(seconds, 3)).put("achieved_rps", round(rps(), 1))
          .put(("stream".equals(kind) ? "ttft" : "latency") + "_us", percentiles(latency))
          .put("harness_cpu_pct", round(100 * harnessCpuS / seconds, 1))
          .put("other_processes_cpu_pct", round(100 * otherCpuS / seconds, 1))
          .put("steal_pct", round(100 * stealS / seconds, 1));
      if (total != null) {
        json.put("stream_total_us", percentiles(total));
      }
      if (targetRate > 0) {
        json.put("target_rps", targetRate).put("mean_pacer_lag_us", round(meanPacerLagUs, 1));
      }
      if ("gateway".equals(target)) {
        json.put("gateway_cpu_pct", round(100 * gatewayCpuS / seconds, 1))
            .put("gateway_cpu_us_per_request", round(gatewayCpuUsPerRequest(), 1))
            .put("gateway_user_us_per_request", round(perRequestUs(gatewayUserS), 1))
            .put("gateway_sys_us_per_request", round(perRequestUs(gatewaySysS), 1));
      }
      if (firstError != null) {
        json.put("first_error", firstError);
      }
      return json;
    }
  }

  /**
   * Closed loop: {@code concurrency} callers, each sending the next request when the last answers;
   * with {@code streamEvery} > 0, every streamEvery-th caller makes streaming calls instead.
   */
  private Phase closedLoop(Target target, long gatewayPid, double warmupS, double durationS, int streamEvery)
      throws Exception {
    Phase phase = new Phase(target.name(), "closed");
    Recorder recorder = new Recorder(3);
    AtomicLong errors = new AtomicLong();
    AtomicLong sent = new AtomicLong();
    AtomicLong lastDone = new AtomicLong();
    String[] firstError = new String[1];
    long start = System.nanoTime();
    long measureStart = start + (long) (warmupS * 1e9);
    long end = measureStart + (long) (durationS * 1e9);
    CountDownLatch finished = new CountDownLatch(o.concurrency);

    class Caller {
      final boolean streaming;

      Caller(boolean streaming) {
        this.streaming = streaming;
      }

      void next() {
        long now = System.nanoTime();
        if (now >= end || sent.incrementAndGet() > o.maxRequests) {
          finished.countDown();
          return;
        }
        Future<?> answer = streaming ? stream(target) : call(target);
        answer.onComplete(result -> {
          long done = System.nanoTime();
          if (done >= measureStart && done <= end) {
            lastDone.accumulateAndGet(done, Math::max);
            if (result.succeeded()) {
              recorder.recordValue(done - now);
            } else {
              errors.incrementAndGet();
              firstError[0] = firstError[0] == null ? String.valueOf(result.cause()) : firstError[0];
            }
          }
          next();
        });
      }
    }
    for (int i = 0; i < o.concurrency; i++) {
      Caller caller = new Caller(streamEvery > 0 && i % streamEvery == streamEvery - 1);
      contexts.get(i % contexts.size()).runOnContext(v -> caller.next());
    }
    sleepUntil(measureStart);
    recorder.reset();
    errors.set(0);
    long[] cpu0 = cpuTicks(gatewayPid);
    long wall0 = System.nanoTime();
    finished.await(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
    long[] cpu1 = cpuTicks(gatewayPid);
    long wall1 = Math.min(System.nanoTime(), end);
    if (!finished.await(60, TimeUnit.SECONDS)) {
      phase.incomplete = finished.getCount();
    }
    phase.latency = recorder.getIntervalHistogram();
    phase.ok = phase.latency.getTotalCount();
    phase.errors = errors.get();
    phase.firstError = firstError[0];
    long measuredEnd = sent.get() > o.maxRequests ? Math.min(wall1, lastDone.get()) : wall1;
    phase.seconds = (measuredEnd - wall0) / 1e9;
    setCpu(phase, cpu0, cpu1);
    return phase;
  }

  /**
   * Open loop: sends at fixed intervals from a pacing thread, whatever the answers do, and times
   * each call from its INTENDED send time, so a stall delays (and is charged to) every request
   * scheduled during it rather than silently lowering the rate (no coordinated omission).
   */
  private Phase openLoop(Target target, int rate, double warmupS, double durationS, boolean streaming,
      long gatewayPid) throws Exception {
    Phase phase = new Phase(target.name(), streaming ? "stream" : "open");
    phase.targetRate = rate;
    Recorder recorder = new Recorder(3);
    Recorder totals = new Recorder(3);
    AtomicLong errors = new AtomicLong();
    AtomicLong outstanding = new AtomicLong();
    String[] firstError = new String[1];
    long warmCount = Math.round(warmupS * rate);
    long count = warmCount + Math.round(durationS * rate);
    double interval = 1e9 / rate;
    long base = System.nanoTime() + 5_000_000;
    long measureStart = base + (long) (warmCount * interval);
    long[] lagSum = new long[1];

    Thread pacer = new Thread(() -> {
      for (long i = 0; i < count; i++) {
        long intended = base + (long) (i * interval);
        sleepUntil(intended);
        boolean measured = i >= warmCount;
        if (measured) {
          lagSum[0] += System.nanoTime() - intended;
        }
        outstanding.incrementAndGet();
        contexts.get((int) (i % contexts.size())).runOnContext(v -> {
          if (streaming) {
            stream(target).onComplete(result -> {
              if (measured) {
                if (result.succeeded()) {
                  recorder.recordValue(Math.max(0, result.result()[0] - intended));
                  totals.recordValue(Math.max(0, result.result()[1] - intended));
                } else {
                  errors.incrementAndGet();
                  firstError[0] = firstError[0] == null ? String.valueOf(result.cause()) : firstError[0];
                }
              }
              outstanding.decrementAndGet();
            });
          } else {
            call(target).onComplete(result -> {
              long done = System.nanoTime();
              if (measured) {
                if (result.succeeded()) {
                  recorder.recordValue(Math.max(0, done - intended));
                } else {
                  errors.incrementAndGet();
                  firstError[0] = firstError[0] == null ? String.valueOf(result.cause()) : firstError[0];
                }
              }
              outstanding.decrementAndGet();
            });
          }
        });
      }
    }, "harness-pacer");
    pacer.setDaemon(true);
    pacer.start();
    sleepUntil(measureStart);
    long[] cpu0 = cpuTicks(gatewayPid);
    long wall0 = System.nanoTime();
    pacer.join();
    long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(streaming ? 30 : 10);
    while (outstanding.get() > 0 && System.nanoTime() < drainDeadline) {
      Thread.sleep(1);
    }
    long[] cpu1 = cpuTicks(gatewayPid);
    long wall1 = System.nanoTime();
    phase.latency = recorder.getIntervalHistogram();
    phase.total = streaming ? totals.getIntervalHistogram() : null;
    phase.ok = phase.latency.getTotalCount();
    phase.errors = errors.get();
    phase.incomplete = outstanding.get();
    phase.firstError = firstError[0];
    phase.seconds = (wall1 - wall0) / 1e9;
    phase.meanPacerLagUs = lagSum[0] / 1e3 / Math.max(1, count - warmCount);
    setCpu(phase, cpu0, cpu1);
    return phase;
  }

  private void setCpu(Phase phase, long[] before, long[] after) {
    phase.gatewayUserS = (double) (after[0] - before[0]) / clockTicks;
    phase.gatewaySysS = (double) (after[1] - before[1]) / clockTicks;
    phase.gatewayCpuS = phase.gatewayUserS + phase.gatewaySysS;
    phase.harnessCpuS = (double) (after[2] + after[3] - before[2] - before[3]) / clockTicks;
    double machineBusyS = (double) (after[4] - before[4]) / clockTicks;
    phase.otherCpuS = Math.max(0, machineBusyS - phase.gatewayCpuS - phase.harnessCpuS);
    phase.stealS = (double) (after[5] - before[5]) / clockTicks;
  }

  /**
   * [gateway utime, gateway stime, harness utime, harness stime, machine busy, machine steal] in
   * clock ticks; busy less the two processes is what anything else on the machine used.
   */
  private long[] cpuTicks(long gatewayPid) {
    long[] gateway = processTicks(Long.toString(gatewayPid));
    long[] self = processTicks("self");
    long[] machine = machineTicks();
    return new long[] {gateway[0], gateway[1], self[0], self[1], machine[0], machine[1]};
  }

  /** [busy, steal] of all CPUs from /proc/stat's "cpu" line, in clock ticks. */
  private static long[] machineTicks() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
        if (line.startsWith("cpu ")) {
          String[] f = line.trim().split("\\s+");
          // user nice system idle iowait irq softirq steal ...
          long busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
              + Long.parseLong(f[7]);
          return new long[] {busy, f.length > 8 ? Long.parseLong(f[8]) : 0};
        }
      }
    } catch (IOException | RuntimeException e) {
      // not on Linux
    }
    return new long[2];
  }

  // ---------------------------------------------------------------------------------------------
  // The mock upstream

  /** A fast OpenAI stand-in: fixed answers, no parsing beyond two substring tests. */
  static final class MockUpstream extends VerticleBase {
    private final int port;
    private final int interval;
    private final Buffer completion = Buffer.buffer(Payloads.completion("bench"));
    private final List<Buffer> plainStream;
    private final List<Buffer> usageStream;
    private HttpServer server;

    MockUpstream(int port, int chunks, int intervalMs) {
      this.port = port;
      this.interval = intervalMs;
      this.plainStream = Payloads.framed(Payloads.streamEvents("bench", chunks, false, false));
      this.usageStream = Payloads.framed(Payloads.streamEvents("bench", chunks, true, true));
    }

    @Override
    public Future<?> start() {
      server = vertx.createHttpServer(new HttpServerOptions().setHost(HOST).setPort(port).setTcpNoDelay(true)
          .setCompressionSupported(false));
      return server.requestHandler(this::handle).listen();
    }

    private void handle(HttpServerRequest request) {
      if (request.method() != HttpMethod.POST || !request.path().endsWith("/chat/completions")) {
        request.response().setStatusCode(404).end();
        return;
      }
      request.body().onSuccess(body -> {
        String text = body.toString(StandardCharsets.UTF_8);
        HttpServerResponse response = request.response();
        if (!text.contains("\"stream\":true")) {
          response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(completion);
          return;
        }
        List<Buffer> events = text.contains("\"include_usage\":true") ? usageStream : plainStream;
        response.setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream");
        if (interval <= 0) {
          events.forEach(response::write);
          response.end();
          return;
        }
        response.write(events.get(0));
        send(response, events, 1);
      });
    }

    private void send(HttpServerResponse response, List<Buffer> events, int next) {
      vertx.setTimer(interval, id -> {
        if (response.closed()) {
          return;
        }
        response.write(events.get(next));
        if (next + 1 < events.size()) {
          send(response, events, next + 1);
        } else {
          response.end();
        }
      });
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Report

  private void printReport(JsonObject report, Phase maxDirect, Phase maxGateway, List<Phase[]> fixed,
      Phase sDirect, Phase sGateway, Path reportPath) {
    JsonObject env = report.getJsonObject("environment");
    JsonObject mem = report.getJsonObject("gateway_memory");
    JsonObject logSummary = report.getJsonObject("gateway_log");
    StringBuilder out = new StringBuilder();
    out.append("\n==================== Switchboard load report ====================\n");
    out.append(String.format(Locale.ROOT, "pinning : harness on CPUs %s (%s, %d event loop%s incl. the mock), "
            + "gateway on CPUs %s (%d event loop thread%s)%n",
        env.getString("harness_cpus_allowed"), env.getBoolean("harness_pinned") ? "taskset" : "NOT pinned",
        env.getInteger("harness_event_loops"), env.getInteger("harness_event_loops") == 1 ? "" : "s",
        env.getString("gateway_cpus_allowed"), env.getInteger("gateway_event_loop_threads"),
        env.getInteger("gateway_event_loop_threads") == 1 ? "" : "s"));
    out.append(String.format(Locale.ROOT, "gateway : JVM defaults + %s -> GC %s; auth %s; SWITCHBOARD_LOG=WARNING%n",
        o.gatewayJvmOpts.isEmpty() ? "no extra flags" : String.join(" ", o.gatewayJvmOpts),
        env.getString("gateway_gc"), o.open ? "off (open)" : "on (master_key)"));
    if (maxDirect != null) {
      out.append(String.format(Locale.ROOT, "%n(a) max throughput, closed loop, %d connections, %.0f s measured%n",
          o.concurrency, o.maxDurationS));
      for (Phase p : List.of(maxDirect, maxGateway)) {
        out.append(String.format(Locale.ROOT, "    %-7s %8.0f req/s   p50 %7.0f µs  p99 %7.0f µs   harness CPU %3.0f%%%s%s%n",
            p.target, p.rps(), us(p.latency.getValueAtPercentile(50)), us(p.latency.getValueAtPercentile(99)),
            100 * p.harnessCpuS / p.seconds, "gateway".equals(p.target)
                ? String.format(Locale.ROOT, ", gateway CPU %3.0f%%", 100 * p.gatewayCpuS / p.seconds) : "",
            p.errors + p.incomplete > 0 ? "   ERRORS " + (p.errors + p.incomplete) : ""));
      }
      out.append(String.format(Locale.ROOT, "    ratio gateway/direct = %.2f%n", maxGateway.rps() / maxDirect.rps()));
      out.append(String.format(Locale.ROOT,
          "(b) gateway CPU per request at max throughput = %.1f µs (user %.1f + sys %.1f; utime+stime, %d ticks/s)%n",
          maxGateway.gatewayCpuUsPerRequest(), maxGateway.perRequestUs(maxGateway.gatewayUserS),
          maxGateway.perRequestUs(maxGateway.gatewaySysS), clockTicks));
    }
    if (!fixed.isEmpty()) {
      out.append("(c) open loop, latency from intended send time (µs)\n");
      out.append("      rate    target      p50      p99    p99.9  errors  pacer lag  gw CPU µs/req\n");
      for (Phase[] pair : fixed) {
        for (Phase p : pair) {
          out.append(String.format(Locale.ROOT, "    %6.0f/s  %-7s  %7.0f  %7.0f  %7.0f  %6d  %9.0f  %s%n",
              p.targetRate, p.target, us(p.latency.getValueAtPercentile(50)), us(p.latency.getValueAtPercentile(99)),
              us(p.latency.getValueAtPercentile(99.9)), p.errors + p.incomplete, p.meanPacerLagUs,
              "gateway".equals(p.target) ? String.format(Locale.ROOT, "%.1f", p.gatewayCpuUsPerRequest()) : ""));
        }
        out.append(String.format(Locale.ROOT, "    %6.0f/s  ADDED    %7.0f  %7.0f  %7.0f%n", pair[0].targetRate,
            added(pair[0].latency, pair[1].latency, 50), added(pair[0].latency, pair[1].latency, 99),
            added(pair[0].latency, pair[1].latency, 99.9)));
      }
    }
    if (sDirect != null) {
      out.append(String.format(Locale.ROOT,
          "(d) streaming at %d/s, %d content chunks %d ms apart: TTFT from intended send (µs)%n",
          o.streamRate, o.streamChunks, o.chunkIntervalMs));
      for (Phase p : List.of(sDirect, sGateway)) {
        out.append(String.format(Locale.ROOT,
            "    %-7s TTFT p50 %6.0f  p99 %6.0f  p99.9 %6.0f   whole stream p50 %7.0f   errors %d%s%n",
            p.target, us(p.latency.getValueAtPercentile(50)), us(p.latency.getValueAtPercentile(99)),
            us(p.latency.getValueAtPercentile(99.9)), us(p.total.getValueAtPercentile(50)), p.errors + p.incomplete,
            "gateway".equals(p.target)
                ? String.format(Locale.ROOT, "   gw CPU %.0f µs/stream", p.gatewayCpuUsPerRequest()) : ""));
      }
      out.append(String.format(Locale.ROOT, "    ADDED   TTFT p50 %6.0f  p99 %6.0f%n",
          added(sDirect.latency, sGateway.latency, 50), added(sDirect.latency, sGateway.latency, 99)));
    }
    double other = 0;
    double steal = 0;
    for (Phase p : phases) {
      other = Math.max(other, 100 * p.otherCpuS / p.seconds);
      steal = Math.max(steal, 100 * p.stealS / p.seconds);
    }
    out.append(String.format(Locale.ROOT, "noise   : other processes used at most %.0f%% of a core and the hypervisor "
        + "stole at most %.0f%% during any run%s%n", other, steal, other > 5 || steal > 5 ? "  <- figures disturbed" : ""));
    out.append(String.format(Locale.ROOT,
        "(e) gateway RSS: idle after start %.1f MB, idle after load %.1f MB, peak %.1f MB%n",
        mem.getLong("idle_rss_after_start_kb") / 1024.0, mem.getLong("idle_rss_after_load_kb") / 1024.0,
        mem.getLong("peak_rss_kb") / 1024.0));
    out.append(String.format(Locale.ROOT, "gateway log: %d lines, %d warnings, %d errors (%s)%n",
        logSummary.getInteger("lines"), logSummary.getInteger("warnings"), logSummary.getInteger("errors"),
        logSummary.getString("path")));
    out.append("JSON report: ").append(reportPath).append('\n');
    System.out.print(out);
  }

  // ---------------------------------------------------------------------------------------------
  // Small helpers

  private static Path outputDir() {
    try {
      Path location = Path.of(LoadHarness.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      // benchmarks/target/benchmarks.jar -> benchmarks/target; benchmarks/target/classes -> benchmarks/target
      return location.getParent();
    } catch (Exception e) {
      return Path.of("benchmarks", "target");
    }
  }

  private static void log(String format, Object... args) {
    System.out.printf(Locale.ROOT, "[harness] " + format + "%n", args);
  }

  private static String truncate(String text) {
    return text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static void sleepUntil(long deadlineNanos) {
    long remaining;
    while ((remaining = deadlineNanos - System.nanoTime()) > 0) {
      LockSupport.parkNanos(remaining);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    }
  }

  private static double added(Histogram direct, Histogram gateway, double percentile) {
    return round(us(gateway.getValueAtPercentile(percentile)) - us(direct.getValueAtPercentile(percentile)), 1);
  }

  static double us(long nanos) {
    return nanos / 1000.0;
  }

  static double round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }

  private static JsonObject percentiles(Histogram h) {
    return new JsonObject().put("count", h.getTotalCount())
        .put("mean", round(h.getMean() / 1000, 1))
        .put("p50", round(us(h.getValueAtPercentile(50)), 1))
        .put("p90", round(us(h.getValueAtPercentile(90)), 1))
        .put("p99", round(us(h.getValueAtPercentile(99)), 1))
        .put("p99_9", round(us(h.getValueAtPercentile(99.9)), 1))
        .put("max", round(us(h.getMaxValue()), 1));
  }

  private static long clockTicks() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      p.waitFor(5, TimeUnit.SECONDS);
      return Long.parseLong(out);
    } catch (Exception e) {
      return 100;
    }
  }

  /** [utime, stime] of a process (all its threads), in clock ticks. */
  private static long[] processTicks(String pid) {
    try {
      String stat = Files.readString(Path.of("/proc", pid, "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // fields[0] is field 3 (state); utime is field 14, stime field 15
      return new long[] {Long.parseLong(fields[11]), Long.parseLong(fields[12])};
    } catch (IOException | RuntimeException e) {
      return new long[2];
    }
  }

  private static String procStatusField(String pid, String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
        if (line.startsWith(field + ":")) {
          return line.substring(field.length() + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // not on Linux, or gone
    }
    return "";
  }

  private static long procStatusKb(long pid, String field) {
    String value = procStatusField(Long.toString(pid), field);
    return value.isEmpty() ? -1 : Long.parseLong(value.replace("kB", "").trim());
  }

  private static int countThreads(long pid, String commPrefix) {
    File[] tasks = new File("/proc/" + pid + "/task").listFiles();
    if (tasks == null) {
      return -1;
    }
    int count = 0;
    for (File task : tasks) {
      try {
        if (Files.readString(task.toPath().resolve("comm")).startsWith(commPrefix)) {
          count++;
        }
      } catch (IOException gone) {
        // thread ended
      }
    }
    return count;
  }

  static TreeSet<Integer> cpuList(String list) {
    TreeSet<Integer> cpus = new TreeSet<>();
    if (list == null) {
      return cpus;
    }
    for (String part : list.split(",")) {
      part = part.trim();
      if (part.isEmpty()) {
        continue;
      }
      try {
        int dash = part.indexOf('-');
        int from = Integer.parseInt(dash < 0 ? part : part.substring(0, dash));
        int to = dash < 0 ? from : Integer.parseInt(part.substring(dash + 1));
        for (int c = from; c <= to; c++) {
          cpus.add(c);
        }
      } catch (NumberFormatException e) {
        // ignore malformed part
      }
    }
    return cpus;
  }
}
