package dev.switchboard.provider;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * A Google service account's key file, and the RS256-signed JWT that it exchanges for an access
 * token (Google's OAuth 2.0 JWT-bearer flow). The JDK's own crypto signs it: no blocking HTTP
 * client comes with it, and the exchange itself goes through the relay's Vert.x client.
 */
final class VertexCredentials {

  static final String SCOPE = "https://www.googleapis.com/auth/cloud-platform";
  static final String DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token";
  private static final long LIFETIME_SECONDS = 3600;

  private VertexCredentials() {
  }

  /** What a key file says; the private key never appears in {@link #toString()}. */
  record ServiceAccount(String clientEmail, String privateKeyId, PrivateKey privateKey, String tokenUri, String projectId) {
    @Override
    public String toString() {
      return "ServiceAccount[" + clientEmail + "]";
    }
  }

  /**
   * Reads a service-account key file's JSON.
   *
   * @throws IllegalArgumentException saying what is wrong, never quoting the file
   */
  static ServiceAccount parse(String json) {
    JsonObject file;
    try {
      file = new JsonObject(json);
    } catch (RuntimeException notJson) {
      throw new IllegalArgumentException("is not JSON");
    }
    String type = file.getValue("type") instanceof String t ? t : null;
    if (type != null && !"service_account".equals(type)) {
      throw new IllegalArgumentException("holds '" + type + "' credentials; only service_account keys are supported");
    }
    String email = text(file, "client_email");
    String pem = text(file, "private_key");
    if (email == null || pem == null) {
      throw new IllegalArgumentException("has no client_email and private_key");
    }
    String tokenUri = text(file, "token_uri");
    return new ServiceAccount(email, text(file, "private_key_id"), privateKey(pem),
        tokenUri == null ? DEFAULT_TOKEN_URI : tokenUri, text(file, "project_id"));
  }

  private static String text(JsonObject json, String field) {
    return json.getValue(field) instanceof String s && !s.isBlank() ? s : null;
  }

  private static PrivateKey privateKey(String pem) {
    String base64 = pem.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "")
        .replaceAll("\\s", "");
    try {
      return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("has a private_key that is not a PKCS#8 RSA key");
    }
  }

  /** The signed assertion: iss the account, aud its token URI, an hour's life from {@code nowSeconds}. */
  static String assertion(ServiceAccount account, long nowSeconds) {
    JsonObject header = new JsonObject().put("alg", "RS256").put("typ", "JWT");
    if (account.privateKeyId() != null) {
      header.put("kid", account.privateKeyId());
    }
    JsonObject claims = new JsonObject().put("iss", account.clientEmail()).put("scope", SCOPE)
        .put("aud", account.tokenUri()).put("iat", nowSeconds).put("exp", nowSeconds + LIFETIME_SECONDS);
    String signingInput = base64Url(header.encode().getBytes(StandardCharsets.UTF_8)) + "."
        + base64Url(claims.encode().getBytes(StandardCharsets.UTF_8));
    try {
      Signature rs256 = Signature.getInstance("SHA256withRSA");
      rs256.initSign(account.privateKey());
      rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + base64Url(rs256.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RS256 signing failed for " + account.clientEmail(), e);
    }
  }

  private static String base64Url(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
