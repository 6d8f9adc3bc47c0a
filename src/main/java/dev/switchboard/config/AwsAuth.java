package dev.switchboard.config;

/**
 * How a Bedrock deployment signs its calls (SigV4): {@code aws_access_key_id},
 * {@code aws_secret_access_key}, optional {@code aws_session_token}, and the region the signature
 * and the default endpoint name. Each falls back to LiteLLM's AWS_* environment variables; none
 * is ever printed.
 */
public record AwsAuth(EnvValue accessKeyId, EnvValue secretAccessKey, EnvValue sessionToken, String region) {

  /** LiteLLM's region when neither the deployment nor the environment names one. */
  public static final String DEFAULT_REGION = "us-west-2";

  public static final AwsAuth NONE = new AwsAuth(EnvValue.ABSENT, EnvValue.ABSENT, EnvValue.ABSENT, DEFAULT_REGION);

  public AwsAuth {
    region = region == null || region.isBlank() ? DEFAULT_REGION : region;
  }

  /** Bedrock's runtime endpoint in {@code region}. */
  public static String endpoint(String region) {
    return "https://bedrock-runtime." + region + ".amazonaws.com";
  }

  @Override
  public String toString() {
    return "AwsAuth[" + region + (sessionToken.isSet() ? ", session token" : "") + "]";
  }
}
