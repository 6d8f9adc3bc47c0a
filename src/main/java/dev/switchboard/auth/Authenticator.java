package dev.switchboard.auth;

import dev.switchboard.errors.GatewayError;
import dev.switchboard.keys.KeySecrets;
import dev.switchboard.keys.KeyStore;
import dev.switchboard.keys.VirtualKey;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
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
  private final KeyStore keys;
  private final Function<List<String>, Set<String>> grants;
  private final KeyCache cache = new KeyCache();

  /**
   * @param masterKey the configured master key, or null for an open gateway
   * @param keys      the virtual keys, or null when the gateway runs without a database
   * @param grants    the model names a key's models list grants (null = all), e.g. the registry's expansion
   */
  public Authenticator(String masterKey, KeyStore keys, Function<List<String>, Set<String>> grants) {
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
    if (MessageDigest.isEqual(masterKeyDigest, sha256(credential))) {
      return Future.succeededFuture(Principal.MASTER);
    }
    if (keys == null || !credential.startsWith("sk-")) {
      return Future.failedFuture(invalid());
    }
    String hash = KeySecrets.hash(credential);
    VirtualKey cached = cache.get(hash);
    if (cached != null) {
      return decide(cached);
    }
    return keys.find(hash).compose(found -> {
      if (found != null) {
        cache.put(found);
      }
      return decide(found);
    });
  }

  private Future<Principal> decide(VirtualKey key) {
    if (key == null) {
      return Future.failedFuture(invalid());
    }
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
    return Future.succeededFuture(Principal.of(key, ModelAccess.effective(key, grants)));
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
