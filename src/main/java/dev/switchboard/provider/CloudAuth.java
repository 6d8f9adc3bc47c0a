package dev.switchboard.provider;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClient;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * The providers' cloud credentials for other parts of the gateway (the logging sinks that write to
 * S3 and GCS): the same SigV4 signer as Bedrock and the same service-account token exchange and
 * token cache as Vertex AI, so there is one of each.
 */
public final class CloudAuth {

  private CloudAuth() {
  }

  /**
   * The headers of an S3 request once SigV4-signed ({@code headers} plus Authorization, X-Amz-Date,
   * X-Amz-Security-Token when there is a session token, and host).
   */
  public static Map<String, List<String>> signS3(String method, URI uri, MultiMap headers, byte[] body,
      String accessKey, String secretKey, String sessionToken, String region, Clock clock) {
    AwsCredentialsIdentity identity = sessionToken == null || sessionToken.isEmpty()
        ? AwsCredentialsIdentity.create(accessKey, secretKey)
        : AwsSessionCredentialsIdentity.create(accessKey, secretKey, sessionToken);
    return BedrockSigner.sign(method, uri, headers, body, identity, "s3", region, clock);
  }

  /**
   * A bearer token for the service account whose key file is {@code keyJson} (cloud-platform
   * scope), from the shared cache, fetched through {@code client} when it is due.
   *
   * @throws IllegalArgumentException when the key file is unusable, saying why without quoting it
   */
  public static Future<String> googleToken(HttpClient client, String keyJson) {
    VertexCredentials.ServiceAccount account = VertexCredentials.parse(keyJson);
    EntraTokens.Key key = new EntraTokens.Key(account.tokenUri(), String.valueOf(account.privateKeyId()),
        account.clientEmail());
    return VertexAuthorizer.TOKENS.token(key, () -> VertexTokenFetch.fetch(client, account,
        System.currentTimeMillis() / 1000));
  }

  /** The service account's e-mail, to name it in messages; the key file must parse. */
  public static String googleAccount(String keyJson) {
    return VertexCredentials.parse(keyJson).clientEmail();
  }
}
