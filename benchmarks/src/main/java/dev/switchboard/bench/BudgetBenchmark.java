package dev.switchboard.bench;

import dev.switchboard.model.Principal;
import dev.switchboard.config.EnvValue;
import dev.switchboard.config.ModelInfo;
import dev.switchboard.config.SpendSettings;
import dev.switchboard.model.Quota;
import dev.switchboard.model.VirtualKey;
import dev.switchboard.model.CallBody;
import dev.switchboard.model.Deployment;
import dev.switchboard.provider.Providers;
import dev.switchboard.spend.Accounting;
import dev.switchboard.spend.BudgetCheck;
import dev.switchboard.spend.Reservation;
import dev.switchboard.store.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a budget reservation adds to a request whose key, user and team all have a budget (and the
 * proxy one): the reservation and its settlement in this gateway's memory, and the reservation in
 * Postgres (one round trip to the embedded database on loopback), as gateways sharing one database
 * make it. Issue #5's target: ≤ 50 µs in memory, one round trip when shared.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class BudgetBenchmark {

  private Vertx vertx;
  private Database database;
  private Accounting inMemory;
  private Accounting shared;
  private Principal principal;
  private Deployment deployment;
  private CallBody body;
  private final AtomicLong ids = new AtomicLong();

  @Setup
  public void start() throws Exception {
    Path dir = Files.createTempDirectory("switchboard-budget-bench");
    vertx = Vertx.vertx();
    database = await(Database.open(vertx, null, dir.resolve("pg")));
    SpendSettings memory = new SpendSettings(1, 500, false, dir.resolve("spool-a").toString(), 1e9, "30d",
        ZoneId.of("UTC"), false, 256, false);
    SpendSettings postgres = new SpendSettings(1, 500, false, dir.resolve("spool-b").toString(), 1e9, "30d",
        ZoneId.of("UTC"), false, 256, true);
    inMemory = Accounting.create(memory, database.pool(), 600);
    shared = Accounting.create(postgres, database.pool(), 600);
    Quota user = new Quota("u1", null, null, null, 1e9, "1d");
    Quota team = new Quota("t1", null, null, null, 1e9, "7d");
    VirtualKey key = new VirtualKey("f".repeat(64), "sk-...bench", "bench", List.of(), "u1", "t1", null, false, 1e9,
        "1mo", null, null, null, new JsonObject(), new JsonObject(), new JsonObject(), List.of(), 0, null, null, null,
        false, team, user, new JsonObject(), new JsonObject(), null, null, null);
    principal = new Principal("bench", false, key, null);
    Providers.ProviderModel model = Providers.resolve("openai/gpt-4o-mini", "bench");
    deployment = new Deployment("d1", "bench", model.provider(), model.upstreamModel(), EnvValue.ABSENT, EnvValue.ABSENT,
        EnvValue.ABSENT, 1, 600_000, 600_000, false, null, ModelInfo.EMPTY, null, null, null,
        Deployment.NO_ORDER, java.util.List.of(), null);
    body = new CallBody(new JsonObject().put("model", "bench").put("max_tokens", 64).put("messages", new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", "Say hello to the benchmark, briefly."))));
    // The first reservation of each holder reads its spend from Postgres; later ones do not.
    await(inMemory.budgets().reserve(check()));
  }

  @TearDown(Level.Iteration)
  public void forgetReservations() throws Exception {
    // In production the spend writer deletes them with each batch; here they are cleared per iteration.
    await(database.pool().query("DELETE FROM budget_reservations").execute());
  }

  @TearDown
  public void stop() throws Exception {
    await(database.close(vertx));
    await(vertx.close());
  }

  private static final dev.switchboard.model.PriceBook PRICES = dev.switchboard.model.PriceBook.shipped();

  private BudgetCheck check() {
    return new BudgetCheck("req-" + ids.incrementAndGet(), principal, deployment, PRICES.of(deployment), body,
        System.currentTimeMillis(), null);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  /** Reserve against key, user, team and proxy in memory, then settle with the actual cost. */
  @Benchmark
  public Reservation reserveAndSettleInMemory() {
    Reservation reservation = inMemory.budgets().reserve(check()).result();
    inMemory.budgets().settle(reservation, 0.00001);
    return reservation;
  }

  /** Reserve against the same four budgets in Postgres: one call of budget_reserve(). */
  @Benchmark
  public Reservation reserveInPostgres() throws Exception {
    return await(shared.budgets().reserve(check()));
  }
}
