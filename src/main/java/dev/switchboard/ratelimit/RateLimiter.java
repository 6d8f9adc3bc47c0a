package dev.switchboard.ratelimit;

import dev.switchboard.model.Principal;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.config.RedisSettings;
import dev.switchboard.model.CallBody;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.Candidates;
import dev.switchboard.model.DeploymentGate;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Every rate-limit decision of one gateway, shared by all RateLimit instances (so a limit is never
 * split across event loops): the proxy-wide parallel limit, the key/user/team limits (in memory, or
 * in Redis when configured), and the deployments' bounds with their fair queue ({@link FairQueues}).
 * When Redis cannot be reached ({@link RedisLink} tells) it counts in memory, and goes back to Redis
 * when a probe finds it again; a Redis failure never fails a request.
 */
public final class RateLimiter {

  private final LongSupplier clock;
  private final int proxyMaxParallel;
  private final LocalCounters local = new LocalCounters();
  private final FairQueues queues;
  /** Redis and its health; null when no Redis is configured. */
  private final RedisLink link;
  private final RedisCounters redis;
  private final AtomicInteger proxyInFlight = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong redisFallbacks = new AtomicLong();
  private final AtomicLong sharedDenials = new AtomicLong();

  public RateLimiter(Vertx vertx, List<Deployment> deployments, LongSupplier clock, int proxyMaxParallel,
      RedisSettings redisSettings, int queueMaxLength, long queueTimeoutMs) {
    this.clock = clock;
    this.proxyMaxParallel = proxyMaxParallel;
    this.queues = new FairQueues(vertx, deployments, clock, queueMaxLength, queueTimeoutMs);
    this.link = redisSettings == null ? null : new RedisLink(vertx, redisSettings);
    this.redis = link == null ? null : link.counters();
  }

  public static RateLimiter create(Vertx vertx, GatewayConfig config, List<Deployment> deployments) {
    return new RateLimiter(vertx, deployments, System::currentTimeMillis, config.general().proxyMaxParallelRequests(),
        config.router().redis(), config.router().queueMaxLength(),
        Math.max(1, Math.round(config.router().queueTimeoutSeconds() * 1000)));
  }

  /**
   * The deployments' bounds and fair queue, for the Router. With Redis, a deployment the fair queue
   * picks is also counted against its rpm and tpm in Redis (one round trip, shared by every
   * gateway); when Redis says it is full this minute, this gateway skips it until the minute ends
   * and picks again. Its parallel bound stays per gateway.
   */
  public DeploymentGate gate() {
    return redis == null ? queues : this::admitShared;
  }

  private Future<Deployment> admitShared(Candidates group, Principal principal, long tokens) {
    return queues.admit(group, principal, tokens).compose(picked -> confirmShared(group, principal, tokens, picked));
  }

  /** Counts the pick in Redis; a deployment Redis says is full is marked so and another is picked. */
  private Future<Deployment> confirmShared(Candidates group, Principal principal, long tokens, Deployment picked) {
    Scope scope = picked == null ? null : queues.sharedScope(picked);
    if (scope == null) {
      return Future.succeededFuture(picked);
    }
    if (link.down()) {
      redisFallbacks.incrementAndGet();
      return Future.succeededFuture(picked);
    }
    long now = clock.getAsLong();
    List<Scope> scopes = List.of(scope);
    Decision known = redis.knownDenial(scopes, now);
    Future<Decision> decided = known != null ? Future.succeededFuture(known) : redis.acquire(scopes, now, tokens);
    return decided.compose(decision -> {
      if (decision.granted()) {
        return Future.succeededFuture(picked);
      }
      sharedDenials.incrementAndGet();
      queues.saturated(picked, now, tokens);
      return admitShared(group, principal, tokens);
    }, failure -> {
      link.failed(failure);
      redisFallbacks.incrementAndGet();
      return Future.succeededFuture(picked);
    });
  }

  public FairQueues queues() {
    return queues;
  }

  public Future<Permit> acquire(Acquire request) {
    long now = clock.getAsLong();
    long estimate = estimate(request.body());
    boolean proxyCounted = proxyMaxParallel > 0;
    if (proxyCounted && proxyInFlight.incrementAndGet() > proxyMaxParallel) {
      proxyInFlight.decrementAndGet();
      return Future.succeededFuture(Permit.denied(Denials.proxyParallel(proxyMaxParallel),
          Map.of(RateLimitHeaders.RETRY_AFTER_MS, Long.toString(Windows.PARALLEL_RETRY_MS))));
    }
    List<Scope> scopes = Scopes.of(request.principal(), request.model());
    if (scopes.isEmpty()) {
      return Future.succeededFuture(permit(Decision.UNLIMITED, scopes, now, estimate, false, proxyCounted));
    }
    if (link == null || link.down()) {
      if (redis != null) {
        redisFallbacks.incrementAndGet();
      }
      return Future.succeededFuture(permit(local.acquire(scopes, now, estimate), scopes, now, estimate, false,
          proxyCounted));
    }
    List<Scope> tagged = Scopes.withRedisTags(scopes);
    Decision known = redis.knownDenial(tagged, now);
    if (known != null) {
      return Future.succeededFuture(permit(known, tagged, now, estimate, true, proxyCounted));
    }
    return redis.acquire(tagged, now, estimate)
        .map(decision -> permit(decision, tagged, now, estimate, true, proxyCounted))
        .recover(failure -> {
          link.failed(failure);
          redisFallbacks.incrementAndGet();
          return Future.succeededFuture(permit(local.acquire(scopes, now, estimate), scopes, now, estimate, false,
              proxyCounted));
        });
  }

  private Permit permit(Decision decision, List<Scope> scopes, long now, long estimate, boolean inRedis,
      boolean proxyCounted) {
    if (!decision.granted()) {
      if (proxyCounted) {
        proxyInFlight.decrementAndGet();
      }
      return Permit.denied(Denials.of(decision), RateLimitHeaders.denied(decision));
    }
    inFlight.incrementAndGet();
    return new Permit(null, RateLimitHeaders.of(decision, now), estimate, scopes, Windows.of(now), inRedis,
        proxyCounted);
  }

  /**
   * Gives back what a granted permit holds, correcting its token estimate by the actual usage (a
   * refused request gives back its request count and estimate whole); completes when the counters
   * (in Redis: Redis's) have it, never with a failure.
   */
  public Future<Void> release(Release release) {
    Permit permit = release.permit();
    if (permit == null || !permit.granted()) {
      return Future.succeededFuture();
    }
    long now = clock.getAsLong();
    long actual = release.usage() == null ? 0 : release.usage().totalTokens();
    Future<Void> corrected = Future.succeededFuture();
    if (release.deployment() != null) {
      queues.released(release.deployment(), permit.window(), permit.estimatedTokens(), actual);
      corrected = correctShared(release.deployment(), permit, now, actual);
    }
    if (release.slotOnly()) {
      return corrected;
    }
    if (permit.proxyCounted()) {
      proxyInFlight.decrementAndGet();
    }
    if (!permit.inRedis()) {
      if (release.refused()) {
        local.refund(permit.scopes(), permit.window(), permit.estimatedTokens());
      } else {
        local.release(permit.scopes(), permit.window(), now, permit.estimatedTokens(), actual);
      }
      return corrected.andThen(done -> inFlight.decrementAndGet());
    }
    RedisLink.PendingRelease toSend = new RedisLink.PendingRelease(permit.scopes(), permit.window(), now,
        permit.estimatedTokens(), actual, release.refused());
    if (link.down()) {
      link.keepForLater(toSend);
      return corrected.andThen(done -> inFlight.decrementAndGet());
    }
    return Future.join(corrected, link.send(toSend)).andThen(sent -> inFlight.decrementAndGet()).otherwiseEmpty()
        .mapEmpty();
  }

  /**
   * The deployment's tokens in Redis: the estimate counted at the pick replaced by the actual usage
   * (nothing to correct for an rpm-only deployment). Best effort: lost while Redis is down.
   */
  private Future<Void> correctShared(Deployment deployment, Permit permit, long now, long actual) {
    if (link == null || link.down()) {
      return Future.succeededFuture();
    }
    Scope scope = queues.sharedScope(deployment);
    if (scope == null || scope.tpm() == 0) {
      return Future.succeededFuture();
    }
    return redis.release(List.of(scope), permit.window(), now, permit.estimatedTokens(), actual)
        .recover(failure -> {
          link.failed(failure);
          return Future.succeededFuture();
        });
  }

  private static long estimate(CallBody body) {
    return body == null ? 0 : body.prompt().tokens();
  }

  /** Granted permits not yet released (in-memory and Redis releases both done). */
  public int inFlight() {
    return inFlight.get();
  }

  /** Requests in flight counted against the proxy-wide parallel limit. */
  public int proxyInFlight() {
    return proxyInFlight.get();
  }

  /** Decisions made in memory because Redis could not be reached (for metrics). */
  public long redisFallbacks() {
    return redisFallbacks.get();
  }

  /** Picks Redis turned down because the deployment was full over all gateways (another was picked). */
  public long sharedDeploymentDenials() {
    return sharedDenials.get();
  }

  /** Times Redis became unreachable. */
  public long redisOutages() {
    return link == null ? 0 : link.outages();
  }

  /** Tells {@code timer} how long each Redis call takes (for /metrics); set once at start. */
  public void observeRedis(RedisTimer timer) {
    if (redis != null) {
      redis.observe(timer);
    }
  }

  /** Redis is configured and currently answering. */
  public boolean redisAvailable() {
    return link != null && !link.down();
  }

  public Future<Void> close() {
    return link == null ? Future.succeededFuture() : link.close();
  }
}
