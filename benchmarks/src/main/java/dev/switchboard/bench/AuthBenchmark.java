package dev.switchboard.bench;

import dev.switchboard.model.AuthCheck;
import dev.switchboard.auth.Authenticator;
import dev.switchboard.model.Principal;
import dev.switchboard.model.KeySecrets;
import dev.switchboard.keys.KeyStore;
import dev.switchboard.store.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What authentication adds to a request: a virtual key found in the Auth stage's cache, the
 * master key, and a cache miss that reads the key from Postgres (the gateway's embedded one, on
 * loopback). The figures issue #4 asks for: cached ≤ 5 µs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class AuthBenchmark {

  private static final String MASTER = "sk-master-bench";

  private Vertx vertx;
  private Database database;
  private Authenticator authenticator;
  private AuthCheck virtualKey;
  private AuthCheck masterKey;
  private String tokenHash;

  @Setup
  public void start() throws Exception {
    Path dir = Files.createTempDirectory("switchboard-auth-bench");
    vertx = Vertx.vertx();
    database = await(Database.open(vertx, null, dir.resolve("pg")));
    String key = KeySecrets.newKey();
    tokenHash = KeySecrets.hash(key);
    await(database.pool().preparedQuery("INSERT INTO virtual_keys (token_hash, key_name, models) VALUES ($1, $2, $3)")
        .execute(Tuple.of(tokenHash, KeySecrets.displayName(key), new String[] {"bench"})));
    authenticator = new Authenticator(MASTER, new KeyStore(database.pool()),
        names -> names.isEmpty() ? null : Set.copyOf(names));
    virtualKey = new AuthCheck(key);
    masterKey = new AuthCheck(MASTER);
    await(authenticator.check(virtualKey));
  }

  @TearDown
  public void stop() throws Exception {
    await(database.close(vertx));
    await(vertx.close());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  /** A cache hit completes at once: no event-loop hop is involved. */
  @Benchmark
  public Principal cachedVirtualKey() {
    return authenticator.check(virtualKey).result();
  }

  @Benchmark
  public Principal masterKey() {
    return authenticator.check(masterKey).result();
  }

  /** Forget the key, then read it back from Postgres: the first request of a key, or after a change. */
  @Benchmark
  public Principal cacheMissToPostgres() throws Exception {
    authenticator.forget(tokenHash);
    return await(authenticator.check(virtualKey));
  }
}
