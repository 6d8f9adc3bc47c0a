package dev.switchboard.testing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS Signature Version 4 written from AWS's specification with the JDK's crypto, independent of
 * the AWS signer the gateway uses: the Bedrock mock checks the gateway's signatures with it, and
 * AWS's published test vectors check it.
 */
public final class SigV4 {

  private SigV4() {
  }

  /** Everything a signature covers. {@code canonicalUri}: the path as the signer canonicalises it. */
  public record Signed(String method, String canonicalUri, String canonicalQuery, List<String> signedHeaders,
      Function<String, String> header, String payloadHash, String amzDate, String region, String service) {
  }

  /** The hex signature of {@code request} with {@code secretKey}. */
  public static String signature(String secretKey, Signed request) {
    StringBuilder canonical = new StringBuilder()
        .append(request.method()).append('\n')
        .append(request.canonicalUri()).append('\n')
        .append(request.canonicalQuery()).append('\n');
    for (String name : request.signedHeaders()) {
      String value = request.header().apply(name);
      canonical.append(name).append(':').append(value == null ? "" : value.trim().replaceAll(" +", " ")).append('\n');
    }
    canonical.append('\n').append(String.join(";", request.signedHeaders())).append('\n').append(request.payloadHash());
    String day = request.amzDate().substring(0, 8);
    String scope = day + "/" + request.region() + "/" + request.service() + "/aws4_request";
    String toSign = "AWS4-HMAC-SHA256\n" + request.amzDate() + "\n" + scope + "\n" + sha256Hex(canonical.toString().getBytes(StandardCharsets.UTF_8));
    byte[] key = hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), day);
    key = hmac(key, request.region());
    key = hmac(key, request.service());
    key = hmac(key, "aws4_request");
    return HexFormat.of().formatHex(hmac(key, toSign));
  }

  /** A path as sent, encoded once more segment by segment: how SigV4 canonicalises paths for services other than S3. */
  public static String doubleEncodedPath(String rawPath) {
    StringBuilder out = new StringBuilder();
    for (byte b : rawPath.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if (c == '/' || c == '-' || c == '_' || c == '.' || c == '~' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')) {
        out.append(c);
      } else {
        out.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return out.toString();
  }

  public static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
