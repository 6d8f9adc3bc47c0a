package dev.switchboard.provider;

import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Deployment;
import io.vertx.core.MultiMap;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * SigV4 for Bedrock with AWS's own signer ({@code http-auth-aws}), over the exact bytes the relay
 * sends. Only the signer is used: the request travels over Vert.x's client, which writes the Host
 * header the signature covers (host, and the port when it is not the scheme's default).
 */
final class BedrockSigner {

  static final String SERVICE = "bedrock";
  private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();

  private BedrockSigner() {
  }

  /** Adds the signature headers (Authorization, X-Amz-Date, X-Amz-Security-Token...) to {@code headers}. */
  static void sign(Deployment deployment, String url, MultiMap headers, byte[] body) {
    String accessKey = value(deployment, deployment.awsAuth().accessKeyId(), "aws_access_key_id", "AWS_ACCESS_KEY_ID");
    String secretKey = value(deployment, deployment.awsAuth().secretAccessKey(), "aws_secret_access_key", "AWS_SECRET_ACCESS_KEY");
    String token = value(deployment, deployment.awsAuth().sessionToken(), "aws_session_token", "AWS_SESSION_TOKEN");
    if (accessKey == null || secretKey == null) {
      throw GatewayError.of(ErrorClass.INTERNAL_SERVER, "missing_aws_credentials", "Deployment " + deployment.id()
          + " of model '" + deployment.modelGroup() + "' cannot be called: it has no aws_access_key_id and "
          + "aws_secret_access_key, and AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are not set on the gateway. "
          + "Set them and restart Switchboard.");
    }
    AwsCredentialsIdentity identity = token == null || token.isEmpty()
        ? AwsCredentialsIdentity.create(accessKey, secretKey)
        : AwsSessionCredentialsIdentity.create(accessKey, secretKey, token);
    Map<String, List<String>> signed = sign("POST", URI.create(url), headers, body, identity, SERVICE,
        deployment.awsAuth().region(), Clock.systemUTC());
    signed.forEach((name, values) -> {
      if (!"host".equalsIgnoreCase(name)) {
        headers.set(name, values);
      }
    });
  }

  /**
   * The setting, else the environment variable: config reading already fell back to it for
   * {@code bedrock/} entries, not for a {@code *} pass-through that reached Bedrock.
   */
  private static String value(Deployment deployment, dev.switchboard.config.EnvValue setting, String name, String variable) {
    String value = DeploymentValues.require(deployment, setting, name);
    return value != null ? value : System.getenv(variable);
  }

  /** The request's headers once signed (its own, the host and the signature's); AWS's test vectors use this. */
  static Map<String, List<String>> sign(String method, URI uri, MultiMap headers, byte[] body,
      AwsCredentialsIdentity identity, String service, String region, Clock clock) {
    SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(uri);
    headers.forEach(header -> request.appendHeader(header.getKey(), header.getValue()));
    // S3 signs the path as sent: no second URI encoding, no normalisation (AWS's S3 signing rules).
    boolean s3 = "s3".equals(service);
    SignedRequest signed = SIGNER.sign(r -> r
        .identity(identity)
        .request(request.build())
        .payload(body == null ? null : ContentStreamProvider.fromByteArrayUnsafe(body))
        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
        .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, !s3)
        .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, !s3)
        .putProperty(HttpSigner.SIGNING_CLOCK, clock));
    return signed.request().headers();
  }
}
