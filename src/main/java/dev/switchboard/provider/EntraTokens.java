package dev.switchboard.provider;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Entra ID access tokens, one per (authority, tenant, client), shared by every request and event
 * loop. A token is used until 80% of its life, then refreshed while it still serves; after 95% of
 * its life requests wait for the new one. At most one fetch per key is in flight; every request
 * that needs it waits on that one. A failed fetch is not cached: the next request tries again.
 */
final class EntraTokens {

  static final EntraTokens SHARED = new EntraTokens(System::currentTimeMillis);

  /** Who the token is for; the secret is not part of it. */
  record Key(String tokenUrl, String tenantId, String clientId) {
  }

  /** What the token endpoint granted. */
  record Grant(String accessToken, long expiresInSeconds) {
    @Override
    public String toString() {
      return "Grant[expires in " + expiresInSeconds + " s]";
    }
  }

  private record Token(String accessToken, long refreshAtMs, long usableUntilMs) {
    @Override
    public String toString() {
      return "Token[refresh at " + refreshAtMs + "]";
    }
  }

  private static final class Slot {
    private Token current;
    private Future<Token> inFlight;
  }

  private final LongSupplier clockMs;
  private final Map<Key, Slot> slots = new ConcurrentHashMap<>();

  /** @param clockMs wall-clock milliseconds; tests move it instead of sleeping */
  EntraTokens(LongSupplier clockMs) {
    this.clockMs = clockMs;
  }

  /**
   * A valid access token for {@code key}.
   *
   * @param fetch asks the token endpoint; called only when no fetch for the key is in flight
   */
  Future<String> token(Key key, Supplier<Future<Grant>> fetch) {
    Slot slot = slots.computeIfAbsent(key, k -> new Slot());
    long now = clockMs.getAsLong();
    Token current;
    Promise<Token> started = null;
    Future<Token> pending;
    synchronized (slot) {
      current = slot.current;
      if (current != null && now < current.refreshAtMs()) {
        return Future.succeededFuture(current.accessToken());
      }
      if (slot.inFlight == null) {
        started = Promise.promise();
        slot.inFlight = started.future();
      }
      pending = slot.inFlight;
    }
    if (started != null) {
      run(slot, fetch, started, now);
    }
    if (current != null && now < current.usableUntilMs()) {
      return Future.succeededFuture(current.accessToken());
    }
    return pending.map(Token::accessToken);
  }

  /** Starts the fetch outside the slot's lock: a fetch that fails at once completes on this thread. */
  private static void run(Slot slot, Supplier<Future<Grant>> fetch, Promise<Token> started, long startMs) {
    Future<Grant> grant;
    try {
      grant = fetch.get();
    } catch (RuntimeException e) {
      grant = Future.failedFuture(e);
    }
    grant.map(granted -> {
      // Counted from when the fetch started: the token cannot outlive that by more than its life.
      long lifeMs = Math.max(0, granted.expiresInSeconds()) * 1000;
      return new Token(granted.accessToken(), startMs + lifeMs * 8 / 10, startMs + lifeMs * 95 / 100);
    }).onComplete(done -> {
      synchronized (slot) {
        if (done.succeeded()) {
          slot.current = done.result();
        }
        slot.inFlight = null;
      }
      started.handle(done);
    });
  }
}
