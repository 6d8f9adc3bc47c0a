package dev.switchboard.auth;

import dev.switchboard.model.Principal;
import dev.switchboard.model.Credentials;
import dev.switchboard.model.AuthCheck;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.KeyLookup;
import dev.switchboard.model.VirtualKey;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Decides who a credential belongs to: the master key (compared in constant time), or a virtual
 * key found by its SHA-256 in the cache, else in Postgres. With no master key configured the
 * gateway is open. Thread-safe and shared by every Auth instance.
 */
public final class Authenticator {

  private final byte[] masterKeyDigest;
  private final KeyLookup keys;
  private final Function<List<String>, Set<String>> grants;
  private final KeyCache cache = new KeyCache();

  /**
   * @param masterKey the configured master key, or null for an open gateway
   * @param keys      where virtual keys are found ({@link KeyLookup#NONE} without a database)
   * @param grants    the model names a key's models list grants (null = all), e.g. the registry's expansion
   */
  public Authenticator(String masterKey, KeyLookup keys, Function<List<String>, Set<String>> grants) {
    this.masterKeyDigest = masterKey == null ? null : sha256(masterKey);
    this.keys = keys;
    this.grants = grants;
  }

  public boolean isOpen() {
    return masterKeyDigest == null;
  }

  public Future<Principal> check(AuthCheck check) {
    if (isOpen()) {
      return Future.succeededFuture(Principal.OPEN);
    }
    String credential = check.credential();
    if (credential == null) {
      return Future.failedFuture(GatewayError.unauthorized(
          "Missing API key. Send it as " + Credentials.ACCEPTED_HEADERS + "."));
    }
    byte[] digest = sha256(credential);
    if (MessageDigest.isEqual(masterKeyDigest, digest)) {
      return Future.succeededFuture(Principal.MASTER);
    }
    if (!credential.startsWith("sk-")) {
      return Future.failedFuture(invalid());
    }
    // Keys are stored by the hex of the same digest: one hash per request serves both checks.
    String hash = HexFormat.of().formatHex(digest);
    Principal cached = cache.get(hash);
    if (cached != null) {
      return admit(cached);
    }
    return keys.find(hash).compose(found -> {
      if (found == null) {
        return Future.failedFuture(invalid());
      }
      Principal principal = Principal.of(found, ModelAccess.effective(found, grants));
      cache.put(hash, principal);
      return admit(principal);
    });
  }

  /** Blocked and expired are checked on every request: the time passes, the cache does not. */
  private static Future<Principal> admit(Principal principal) {
    VirtualKey key = principal.key();
    if (key.blocked()) {
      return Future.failedFuture(GatewayError.unauthorized("This key is blocked. An admin can unblock it with POST /key/unblock."));
    }
    if (key.teamBlocked()) {
      return Future.failedFuture(GatewayError.unauthorized("This key's team " + key.teamId()
          + " is blocked. An admin can unblock it with POST /team/update {\"team_id\": ..., \"blocked\": false}."));
    }
    if (key.expiredAt(Instant.now())) {
      return Future.failedFuture(GatewayError.unauthorized("This key expired at " + key.expires()
          + ". Ask an admin for a new key or to extend it with POST /key/update."));
    }
    return Future.succeededFuture(principal);
  }

  private static GatewayError invalid() {
    return GatewayError.unauthorized("Invalid API key. The key sent in " + Credentials.ACCEPTED_HEADERS
        + " is not valid for this gateway (wrong, or deleted).");
  }

  /** A key changed or is gone (null: any key may have): the next request reads it again. */
  public void forget(String tokenHash) {
    cache.forget(tokenHash);
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
    }
  }
}
