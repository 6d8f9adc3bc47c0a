package dev.switchboard.ratelimit;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The same counters as {@link LocalCounters}, in Redis, so every gateway sharing it enforces one
 * limit. Each holder's counters share a hash tag ({@code sb:rl:{k:...}:r:<minute>}), so one Lua
 * script ({@link RedisScripts}) checks and counts them atomically on one Redis Cluster slot; the scripts of a request's
 * holders (key, user, team) go out pipelined in one round trip. When a later holder says no, the
 * earlier ones are given back (a second round trip, only on a denial). A local view of the last
 * counts seen answers "no" without a round trip while a window's requests are known to be used up.
 */
final class RedisCounters {

  private static final long TIMEOUT_MS = 1000;

  private final Redis redis;
  /** Last counts seen per window key: {window, count}. */
  private final Map<String, long[]> seen = new ConcurrentHashMap<>();

  private volatile RedisTimer timer = RedisTimer.NONE;

  RedisCounters(Redis redis) {
    this.redis = redis;
  }

  /** A denial known without asking Redis: this window's requests (or tokens) were already seen used up. */
  Decision knownDenial(List<Scope> scopes, long nowMs) {
    long window = Windows.of(nowMs);
    for (Scope scope : scopes) {
      if (scope.rpm() > 0 && seenAtLeast(scope.redisPrefix() + "r", window, scope.rpm())) {
        return Decision.deny(scope, Scope.Limit.RPM, Windows.untilEnd(nowMs));
      }
      if (scope.tpm() > 0 && seenAtLeast(scope.redisPrefix() + "t", window, scope.tpm())) {
        return Decision.deny(scope, Scope.Limit.TPM, Windows.untilEnd(nowMs));
      }
    }
    return null;
  }

  private boolean seenAtLeast(String key, long window, long limit) {
    long[] last = seen.get(key);
    return last != null && last[0] == window && last[1] >= limit;
  }

  Future<Decision> acquire(List<Scope> scopes, long nowMs, long tokens) {
    long window = Windows.of(nowMs);
    Map<String, List<Scope>> byHolder = byTag(scopes);
    List<List<Scope>> holders = new ArrayList<>(byHolder.values());
    List<Request> scripts = new ArrayList<>(holders.size());
    for (List<Scope> holder : holders) {
      scripts.add(RedisScripts.acquire(holder, window, tokens));
    }
    return run(scripts).map(replies -> {
      Decision.Tally tally = new Decision.Tally();
      Decision denial = null;
      List<List<Scope>> counted = new ArrayList<>();
      for (int h = 0; h < holders.size(); h++) {
        List<Scope> holder = holders.get(h);
        Response reply = replies.get(h);
        if (reply.get(0).toInteger() == 0) {
          Scope scope = holder.get(reply.get(1).toInteger() - 1);
          Scope.Limit limit = Scope.Limit.values()[reply.get(2).toInteger() - 1];
          remember(scope, limit, window, reply.get(3).toLong());
          if (denial == null) {
            denial = Decision.deny(scope, limit, Windows.retryAfterMs(limit, nowMs));
          }
          continue;
        }
        counted.add(holder);
        for (int i = 0; i < holder.size(); i++) {
          Scope scope = holder.get(i);
          long requests = reply.get(1 + 2 * i).toLong();
          long used = reply.get(2 + 2 * i).toLong();
          if (scope.rpm() > 0) {
            tally.requests(scope.rpm(), requests);
            remember(scope, Scope.Limit.RPM, window, requests);
          }
          if (scope.tpm() > 0) {
            tally.tokens(scope.tpm(), used);
            remember(scope, Scope.Limit.TPM, window, used);
          }
        }
      }
      if (denial == null) {
        return tally.granted();
      }
      if (!counted.isEmpty()) {
        List<Scope> giveBack = new ArrayList<>();
        counted.forEach(giveBack::addAll);
        adjust(giveBack, window, window, -1, -tokens, -1).onFailure(e -> { });
      }
      return denial;
    });
  }

  /** The request ended: out of the in-flight counts, and its estimate replaced by its actual tokens. */
  Future<Void> release(List<Scope> scopes, long admittedWindow, long nowMs, long estimate, long actual) {
    long window = Windows.of(nowMs);
    for (Scope scope : scopes) {
      if (scope.tpm() > 0) {
        seen.remove(scope.redisPrefix() + "t");
      }
    }
    boolean sameWindow = admittedWindow == window;
    return adjust(scopes, sameWindow ? admittedWindow : window, window, 0, sameWindow ? actual - estimate : actual, -1);
  }

  /** A request refused after admission: its request, its estimate and its in-flight count are taken back. */
  Future<Void> refund(List<Scope> scopes, long admittedWindow, long estimate) {
    for (Scope scope : scopes) {
      seen.remove(scope.redisPrefix() + "r");
      seen.remove(scope.redisPrefix() + "t");
    }
    return adjust(scopes, admittedWindow, admittedWindow, -1, -estimate, -1);
  }

  private Future<Void> adjust(List<Scope> scopes, long tokenWindow, long window, long requests, long tokens,
      long parallel) {
    List<Request> scripts = new ArrayList<>();
    for (List<Scope> holder : byTag(scopes).values()) {
      Request script = RedisScripts.adjust(holder, tokenWindow, window, requests, tokens, parallel);
      if (script != null) {
        scripts.add(script);
      }
    }
    return scripts.isEmpty() ? Future.succeededFuture() : run(scripts).mapEmpty();
  }

  void observe(RedisTimer timer) {
    this.timer = timer;
  }

  private <T> Future<T> timed(long startNanos, Future<T> call) {
    return call.andThen(done -> timer.call(System.nanoTime() - startNanos, done.failed()));
  }

  Future<Void> ping() {
    long start = System.nanoTime();
    return timed(start, redis.send(Request.cmd(Command.PING)).timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS).mapEmpty());
  }

  /** Runs the scripts pipelined; when Redis lost them (restarted), loads them by sending them whole. */
  private Future<List<Response>> run(List<Request> scripts) {
    long start = System.nanoTime();
    return timed(start, redis.batch(scripts).timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS).recover(failure -> {
      if (failure.getMessage() == null || !failure.getMessage().contains("NOSCRIPT")) {
        return Future.failedFuture(failure);
      }
      return RedisScripts.load(redis).compose(loaded -> redis.batch(scripts)).timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }));
  }

  private void remember(Scope scope, Scope.Limit limit, long window, long count) {
    if (limit == Scope.Limit.PARALLEL) {
      return;
    }
    seen.put(scope.redisPrefix() + (limit == Scope.Limit.RPM ? "r" : "t"), new long[] {window, count});
  }

  private static Map<String, List<Scope>> byTag(List<Scope> scopes) {
    Map<String, List<Scope>> byTag = new LinkedHashMap<>();
    for (Scope scope : scopes) {
      byTag.computeIfAbsent(scope.redisTag(), tag -> new ArrayList<>(2)).add(scope);
    }
    return byTag;
  }
}
