package dev.switchboard.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Making virtual keys and the one thing ever stored of them: their SHA-256. */
public final class KeySecrets {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int RANDOM_BYTES = 32;

  private KeySecrets() {
  }

  /** {@code sk-} and 43 URL-safe characters (256 random bits). */
  public static String newKey() {
    byte[] bytes = new byte[RANDOM_BYTES];
    RANDOM.nextBytes(bytes);
    return "sk-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  public static String hash(String key) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
    }
  }

  /** How LiteLLM shows a key it no longer has: its prefix and last four characters. */
  public static String displayName(String key) {
    return "sk-..." + key.substring(Math.max(3, key.length() - 4));
  }
}
