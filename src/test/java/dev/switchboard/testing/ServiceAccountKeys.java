package dev.switchboard.testing;

import io.vertx.core.json.JsonObject;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** A Google service-account key file made at test start: a fresh RSA key pair, nothing from disk. */
public final class ServiceAccountKeys {

  public static final String CLIENT_EMAIL = "switchboard-test@proj-vertex-1.iam.gserviceaccount.com";

  private ServiceAccountKeys() {
  }

  public static KeyPair generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The key file's JSON as Google issues it, with {@code tokenUri} as its token endpoint. */
  public static JsonObject keyFile(KeyPair keys, String tokenUri, String projectId) {
    String pem = "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(keys.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
    return new JsonObject().put("type", "service_account").put("project_id", projectId)
        .put("private_key_id", "kid-" + Integer.toHexString(keys.getPublic().hashCode())).put("private_key", pem)
        .put("client_email", CLIENT_EMAIL).put("client_id", "1234567890").put("token_uri", tokenUri)
        .put("auth_uri", "https://accounts.google.com/o/oauth2/auth");
  }
}
