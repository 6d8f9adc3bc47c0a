package dev.switchboard.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The load harness's command line: every knob of a run, its default, and its --help text. */
final class HarnessOptions {

  private static final List<String> PHASES = List.of("cold", "max", "open", "stream", "streams");

  int concurrency = 64;
  // With the gateway pinned to one core, C2 still competes with the requests after 15 s; after
  // 40 s the open-loop p99 through the gateway matched direct (see METHOD.md, "Load harness").
  double gatewayWarmupS = 40;
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
  int streams = 1000;
  int streamsChunks = 100;
  int streamsIntervalMs = 50;
  int streamsRampMs = 1000;
  boolean pin = true;
  String harnessCpus = "1";
  String gatewayCpus = "0";
  List<String> gatewayJvmOpts = new ArrayList<>();
  /** Start the gateway as users do, through this launcher (bin/switchboard: its flags, its jar and archive); null: java -cp this jar. */
  String gatewayLauncher;
  /** Extra arguments of the gateway's own command line, e.g. --idle-gc-threads. */
  List<String> gatewayArgs = new ArrayList<>();
  /** How long the cold-start phase saturates the gateway from its first request. */
  double coldSeconds = 60;
  /** SWITCHBOARD_LOG for the gateway; null: the shipped default (INFO, a line per request). */
  String gatewayLog;
  int harnessLoops = 0;
  boolean open = false;
  /** The mock serves TLS with HTTP/2 (ALPN), as public providers do; the gateway then multiplexes its streams. */
  boolean upstreamH2 = false;
  /** The gateway runs with its embedded Postgres, so every request's spend row is written. */
  boolean database = false;
  /** With --database: rows are spooled but Postgres is written only every this many seconds (0 = default). */
  int spendWriteSeconds = 0;
  /** The gateway starts with --cluster (a one-node Hazelcast cluster): what clustering costs a request. */
  boolean cluster = false;
  /** {@code hit}: a local response cache, so every repeated body is answered from it; {@code miss}: the
   *  same cache with nothing small enough to store, so every request pays the lookup and calls the provider. */
  String cache;
  double maxTotalS = 300;
  Path report;
  boolean help;
  Set<String> phases = new LinkedHashSet<>(PHASES);

  static final String USAGE = String.join(System.lineSeparator(),
      "Usage: java -cp benchmarks/target/benchmarks.jar dev.switchboard.bench.LoadHarness [options]",
      "",
      "  --concurrency N        connections of the closed-loop max-throughput run (default 64)",
      "  --gateway-warmup S     JIT warm-up through the gateway first, closed loop, 1 caller in 4",
      "                         streaming (default 40; the gateway's JIT shares its one core)",
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
      "  --streams N            streams open at once in the concurrent-streams run (default 1000)",
      "  --streams-chunks N     content chunks of each of those streams (default 100)",
      "  --streams-interval-ms N  mock delay between their chunks (default 50)",
      "  --streams-ramp-ms N    start the N streams evenly over this long (default 1000)",
      "  --no-pin               do not pin anything with taskset",
      "  --harness-cpus LIST    taskset CPU list for this harness (default 1)",
      "  --gateway-cpus LIST    taskset CPU list for the gateway JVM (default 0)",
      "  --gateway-jvm-opt OPT  extra JVM option for the gateway (repeatable), e.g. -XX:+UseParallelGC",
      "  --gateway-launcher PATH  start the gateway through this launcher (bin/switchboard: its JVM flags, the",
      "                         built target/switchboard.jar and its training archive) with this harness's java",
      "                         as JAVA and the extra JVM options as JAVA_OPTS (default: java -cp this jar)",
      "  --gateway-arg ARG      extra argument for the gateway (repeatable), e.g. --idle-gc-threads",
      "  --cold-seconds S       how long the cold phase saturates a just-started gateway (default 60)",
      "  --gateway-log LEVEL    SWITCHBOARD_LOG for the gateway (default: unset, the shipped INFO with a line per request)",
      "  --harness-loops N      event loops of the harness Vert.x (default: available processors)",
      "  --open                 no master_key in the gateway config (default: master_key set, auth on)",
      "  --upstream-h2          the mock speaks TLS + HTTP/2 like public providers (default: plain HTTP/1.1)",
      "  --database             the gateway runs its embedded Postgres and writes every spend row (default: none)",
      "  --cluster              the gateway runs with --cluster (Hazelcast, one node on loopback)",
      "  --spend-write-seconds S  with --database: spool every row, write Postgres only every S seconds",
      "                         (isolates the gateway's own spend path from Postgres's work on the shared core)",
      "  --cache hit|miss       a local response cache: hit answers every repeated request from it;",
      "                         miss stores nothing (max_entry_bytes 1), so each request looks up and misses",
      "  --max-total S          hard limit for the whole run, then exit (default 300)",
      "  --report PATH          JSON report (default: <jar dir>/load-report.json)",
      "  --phases LIST          which runs, of cold,max,open,stream,streams (default: all five; cold first)",
      "  --help");

  static HarnessOptions parse(String[] args) {
    HarnessOptions o = new HarnessOptions();
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
        case "--upstream-h2" -> o.upstreamH2 = true;
        case "--database" -> o.database = true;
        case "--cluster" -> o.cluster = true;
        default -> {
          String value = v != null ? v : (i + 1 < args.length ? args[++i] : null);
          if (value == null) {
            throw new IllegalArgumentException("option " + a + " needs a value");
          }
          o.set(a, value);
        }
      }
    }
    for (int rate : o.rates) {
      positive("--rates", rate);
    }
    return o;
  }

  private void set(String option, String value) {
    switch (option) {
      case "--concurrency" -> concurrency = positive(option, Integer.parseInt(value));
      case "--max-warmup" -> maxWarmupS = Double.parseDouble(value);
      case "--gateway-warmup" -> gatewayWarmupS = Double.parseDouble(value);
      case "--max-duration" -> maxDurationS = positive(option, Double.parseDouble(value));
      case "--max-requests" -> maxRequests = positive(option, Long.parseLong(value));
      case "--rates" -> rates = Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty())
          .mapToInt(Integer::parseInt).toArray();
      case "--rate-warmup" -> rateWarmupS = Double.parseDouble(value);
      case "--rate-duration" -> rateDurationS = positive(option, Double.parseDouble(value));
      case "--stream-rate" -> streamRate = positive(option, Integer.parseInt(value));
      case "--stream-warmup" -> streamWarmupS = Double.parseDouble(value);
      case "--stream-duration" -> streamDurationS = positive(option, Double.parseDouble(value));
      case "--stream-chunks" -> streamChunks = positive(option, Integer.parseInt(value));
      case "--chunk-interval-ms" -> chunkIntervalMs = Integer.parseInt(value);
      case "--streams" -> streams = positive(option, Integer.parseInt(value));
      case "--streams-chunks" -> streamsChunks = positive(option, Integer.parseInt(value));
      case "--streams-interval-ms" -> streamsIntervalMs = positive(option, Integer.parseInt(value));
      case "--streams-ramp-ms" -> streamsRampMs = positive(option, Integer.parseInt(value));
      case "--harness-cpus" -> harnessCpus = value;
      case "--gateway-cpus" -> gatewayCpus = value;
      case "--gateway-jvm-opt" -> gatewayJvmOpts.add(value);
      case "--gateway-launcher" -> gatewayLauncher = value;
      case "--gateway-arg" -> gatewayArgs.add(value);
      case "--gateway-log" -> gatewayLog = value;
      case "--cache" -> {
        if (!value.equals("hit") && !value.equals("miss")) {
          throw new IllegalArgumentException("--cache takes hit or miss");
        }
        cache = value;
      }
      case "--cold-seconds" -> coldSeconds = positive(option, Double.parseDouble(value));
      case "--spend-write-seconds" -> spendWriteSeconds = positive(option, Integer.parseInt(value));
      case "--harness-loops" -> harnessLoops = Integer.parseInt(value);
      case "--max-total" -> maxTotalS = positive(option, Double.parseDouble(value));
      case "--report" -> report = Path.of(value);
      case "--phases" -> {
        phases.clear();
        for (String phase : value.split(",")) {
          if (!PHASES.contains(phase.trim())) {
            throw new IllegalArgumentException("--phases takes max, open, stream and/or streams");
          }
          phases.add(phase.trim());
        }
      }
      default -> throw new IllegalArgumentException("unknown option " + option + "; try --help");
    }
  }

  private static <N extends Number> N positive(String option, N n) {
    if (n.doubleValue() <= 0) {
      throw new IllegalArgumentException(option + " must be positive");
    }
    return n;
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("concurrency", concurrency).put("gateway_warmup_s", gatewayWarmupS).put("max_warmup_s", maxWarmupS)
        .put("max_duration_s", maxDurationS)
        .put("max_requests", maxRequests).put("rates", new JsonArray(Arrays.stream(rates).boxed().toList()))
        .put("rate_warmup_s", rateWarmupS).put("rate_duration_s", rateDurationS)
        .put("stream_rate", streamRate).put("stream_warmup_s", streamWarmupS)
        .put("stream_duration_s", streamDurationS).put("stream_chunks", streamChunks)
        .put("chunk_interval_ms", chunkIntervalMs).put("streams", streams).put("streams_chunks", streamsChunks)
        .put("streams_interval_ms", streamsIntervalMs).put("streams_ramp_ms", streamsRampMs).put("master_key", !open).put("upstream_h2", upstreamH2)
        .put("gateway_jvm_opts", new JsonArray(gatewayJvmOpts))
        .put("gateway_launcher", gatewayLauncher)
        .put("gateway_args", new JsonArray(gatewayArgs))
        .put("gateway_log", gatewayLog == null ? "default (INFO)" : gatewayLog)
        .put("database", database)
        .put("spend_write_seconds", spendWriteSeconds)
        .put("cluster", cluster)
        .put("cache", cache == null ? "off" : cache);
  }
}
