package dev.switchboard.bench;

import dev.switchboard.model.Principal;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.DeploymentGate;
import dev.switchboard.routing.DeploymentStates;
import dev.switchboard.routing.ModelRegistry;
import dev.switchboard.routing.PickRequest;
import dev.switchboard.routing.Router;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one routing decision costs: {@code Router.pick} for a group of four deployments (weights,
 * tpm, prices, two order tiers), by each strategy, with cooldown and circuit checks, the gate
 * taking the first candidate (no deployment limits). {@code retry}: the same with one deployment
 * excluded, as a retry asks. Target ≤ 2 µs (issue #7).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RoutingBenchmark {

  @Param({"simple-shuffle", "least-busy", "latency-based-routing", "usage-based-routing", "cost-based-routing"})
  public String strategy;

  private Vertx vertx;
  private Router router;
  private PickRequest first;
  private PickRequest retry;

  @Setup
  public void start() {
    vertx = Vertx.vertx();
    StringBuilder yaml = new StringBuilder("model_list:\n");
    for (int i = 0; i < 4; i++) {
      yaml.append("  - {model_name: chat, litellm_params: {model: openai/m").append(i)
          .append(", api_base: 'http://127.0.0.1:1/v1', weight: ").append(i + 1).append(", tpm: ").append(100_000 * (i + 1))
          .append(", order: ").append(i < 3 ? 1 : 2).append("}, model_info: {id: d").append(i)
          .append(", input_cost_per_token: ").append(0.000001 * (i + 1)).append(", output_cost_per_token: 0.000002}}\n");
    }
    yaml.append("router_settings: {routing_strategy: ").append(strategy).append("}\n");
    GatewayConfig config = new ConfigLoader(name -> null).parse(yaml.toString(), "bench.yaml");
    ModelRegistry registry = ModelRegistry.from(config);
    DeploymentStates states = new DeploymentStates(vertx, null, registry, config.router().routing(),
        System::currentTimeMillis);
    router = new Router(DeploymentGate.UNBOUNDED, states);
    first = new PickRequest("chat", Principal.MASTER, 120);
    retry = new PickRequest("chat", Principal.MASTER, 120, Set.of("d0"), List.of(), false);
  }

  @TearDown
  public void stop() {
    vertx.close().await();
  }

  @Benchmark
  public Deployment pick() {
    Future<Deployment> picked = router.pick(first);
    return picked.result();
  }

  @Benchmark
  public Deployment pickForRetry() {
    return router.pick(retry).result();
  }
}
