package dev.switchboard.auth;

import dev.switchboard.errors.GatewayError;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Decides who a credential belongs to. For now the master key alone; with none configured the
 * gateway is open. Thread-safe and shared by every Auth instance. Keys are compared as SHA-256
 * digests in constant time, so neither the length nor the content of the key leaks by timing.
 */
public final class Authenticator {

  private final byte[] masterKeyDigest;

  /** @param masterKey the configured master key, or null for an open gateway */
  public Authenticator(String masterKey) {
    this.masterKeyDigest = masterKey == null ? null : sha256(masterKey);
  }

  public boolean isOpen() {
    return masterKeyDigest == null;
  }

  public Future<Principal> check(AuthCheck check) {
    if (isOpen()) {
      return Future.succeededFuture(Principal.OPEN);
    }
    if (check.credential() == null) {
      return Future.failedFuture(GatewayError.unauthorized(
          "Missing API key. Send it as " + Credentials.ACCEPTED_HEADERS + "."));
    }
    if (!MessageDigest.isEqual(masterKeyDigest, sha256(check.credential()))) {
      return Future.failedFuture(GatewayError.unauthorized(
          "Invalid API key. The key sent in " + Credentials.ACCEPTED_HEADERS + " is not valid for this gateway."));
    }
    return Future.succeededFuture(Principal.MASTER);
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
    }
  }
}
