package dev.switchboard.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.SigV4;
import io.vertx.core.MultiMap;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * SigV4 against AWS's published test suite: the independent verifier the Bedrock mock uses
 * reproduces get-vanilla and post-vanilla exactly; AWS's signer, set up as the adapter sets it up,
 * agrees with that verifier (it signs x-amz-content-sha256 too, so its signature differs from the
 * vector's by that header alone).
 */
class BedrockSignerTest {

  private static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  private static final AwsCredentialsIdentity KEY = AwsCredentialsIdentity.create("AKIDEXAMPLE", SECRET);
  private static final Clock AT = Clock.fixed(Instant.parse("2015-08-30T12:36:00Z"), ZoneOffset.UTC);
  private static final String EMPTY_HASH = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  @Test
  void the_verifier_reproduces_get_vanilla() {
    assertEquals("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", SigV4.signature(SECRET,
        vanilla("GET", List.of("host", "x-amz-date"), Map.of())));
  }

  @Test
  void the_verifier_reproduces_post_vanilla() {
    assertEquals("5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b", SigV4.signature(SECRET,
        vanilla("POST", List.of("host", "x-amz-date"), Map.of())));
  }

  @Test
  void aws_signer_agrees_with_the_verifier_on_the_vanilla_requests() {
    for (String method : List.of("GET", "POST")) {
      Map<String, List<String>> signed = BedrockSigner.sign(method, URI.create("https://example.amazonaws.com/"),
          MultiMap.caseInsensitiveMultiMap(), method.equals("GET") ? null : new byte[0], KEY, "service", "us-east-1", AT);
      assertEquals("20150830T123600Z", signed.get("X-Amz-Date").get(0));
      String expected = SigV4.signature(SECRET, vanilla(method, List.of("host", "x-amz-content-sha256", "x-amz-date"),
          Map.of("x-amz-content-sha256", EMPTY_HASH)));
      assertEquals("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
          + "SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=" + expected, signed.get("Authorization").get(0));
    }
  }

  @Test
  void a_model_id_with_a_colon_is_signed_over_its_twice_encoded_path() {
    byte[] body = "{\"messages\":[]}".getBytes(StandardCharsets.UTF_8);
    String path = "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse";
    Map<String, List<String>> signed = BedrockSigner.sign("POST", URI.create("https://bedrock-runtime.us-east-1.amazonaws.com" + path),
        MultiMap.caseInsensitiveMultiMap().set("content-type", "application/json"), body, KEY, "bedrock", "us-east-1", AT);
    String authorization = signed.get("Authorization").get(0);
    assertTrue(authorization.contains("SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date,"), authorization);
    Map<String, String> headers = Map.of("content-type", "application/json", "host", "bedrock-runtime.us-east-1.amazonaws.com",
        "x-amz-date", "20150830T123600Z", "x-amz-content-sha256", SigV4.sha256Hex(body));
    String expected = SigV4.signature(SECRET, new SigV4.Signed("POST", SigV4.doubleEncodedPath(path), "",
        List.of("content-type", "host", "x-amz-content-sha256", "x-amz-date"), headers::get, SigV4.sha256Hex(body),
        "20150830T123600Z", "us-east-1", "bedrock"));
    assertTrue(authorization.endsWith("Signature=" + expected), authorization);
  }

  private static SigV4.Signed vanilla(String method, List<String> signedHeaders, Map<String, String> extra) {
    return new SigV4.Signed(method, "/", "", signedHeaders, name -> switch (name) {
      case "host" -> "example.amazonaws.com";
      case "x-amz-date" -> "20150830T123600Z";
      default -> extra.get(name);
    }, EMPTY_HASH, "20150830T123600Z", "us-east-1", "service");
  }
}
