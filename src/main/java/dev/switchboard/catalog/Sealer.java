package dev.switchboard.catalog;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.function.Function;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals provider secrets before they are written to Postgres (AES-256-GCM, a fresh nonce per
 * value), with a key derived from {@code LITELLM_SALT_KEY} or {@code SWITCHBOARD_SALT_KEY} (as
 * LiteLLM does), else from the master key. Without either, values are stored as given.
 */
final class Sealer {

  private static final String PREFIX = "sb-sealed:v1:";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final SecretKeySpec key;
  private final SecureRandom random = new SecureRandom();

  private Sealer(SecretKeySpec key) {
    this.key = key;
  }

  static Sealer from(Function<String, String> env, String masterKey) {
    String secret = firstSet(env.apply("LITELLM_SALT_KEY"), env.apply("SWITCHBOARD_SALT_KEY"), masterKey);
    if (secret == null) {
      return new Sealer(null);
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
      return new Sealer(new SecretKeySpec(digest, "AES"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String firstSet(String... values) {
    for (String value : values) {
      if (value != null && !value.isBlank()) {
        return value;
      }
    }
    return null;
  }

  /** Whether values are sealed (there is a key to seal them with). */
  boolean seals() {
    return key != null;
  }

  String seal(String plain) {
    if (key == null) {
      return plain;
    }
    try {
      byte[] nonce = new byte[NONCE_BYTES];
      random.nextBytes(nonce);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
      byte[] out = new byte[NONCE_BYTES + sealed.length];
      System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
      System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
      return PREFIX + Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot seal a provider secret", e);
    }
  }

  /** The plain value; an IllegalStateException when it was sealed with another key (never says what it holds). */
  String open(String stored) {
    if (!stored.startsWith(PREFIX)) {
      return stored;
    }
    if (key == null) {
      throw new IllegalStateException("a provider secret is sealed, and neither LITELLM_SALT_KEY, SWITCHBOARD_SALT_KEY "
          + "nor a master key is set to open it");
    }
    try {
      byte[] in = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
      return new String(cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException("a provider secret was sealed with another salt or master key than this "
          + "gateway's; set the LITELLM_SALT_KEY it was stored with");
    }
  }
}
