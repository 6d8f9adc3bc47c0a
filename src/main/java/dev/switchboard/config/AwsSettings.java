package dev.switchboard.config;

/**
 * Reads a Bedrock deployment's AWS settings from {@code litellm_params}, with LiteLLM's
 * environment fallbacks (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION_NAME,
 * AWS_REGION, AWS_DEFAULT_REGION). Other providers' deployments read none of these keys.
 */
final class AwsSettings {

  private AwsSettings() {
  }

  static boolean bedrock(String model) {
    return model != null && model.startsWith("bedrock/");
  }

  static AwsAuth read(YamlSection params, String model) {
    if (!bedrock(model)) {
      return AwsAuth.NONE;
    }
    return new AwsAuth(params.envStringOr("aws_access_key_id", "AWS_ACCESS_KEY_ID"),
        params.envStringOr("aws_secret_access_key", "AWS_SECRET_ACCESS_KEY"),
        params.envStringOr("aws_session_token", "AWS_SESSION_TOKEN"), region(params));
  }

  /** {@code aws_bedrock_runtime_endpoint}, else the region's endpoint; {@code otherwise} for other providers. */
  static EnvValue endpoint(YamlSection params, String model, EnvValue otherwise) {
    if (!bedrock(model)) {
      return otherwise;
    }
    EnvValue endpoint = params.envString("aws_bedrock_runtime_endpoint");
    return endpoint.isSet() || endpoint.isMissingVariable() ? endpoint : EnvValue.of(AwsAuth.endpoint(region(params)));
  }

  private static String region(YamlSection params) {
    EnvValue region = params.envStringOr("aws_region_name", "AWS_REGION_NAME");
    if (!region.isSet()) {
      region = params.envStringOr("aws_region_name", "AWS_REGION");
    }
    if (!region.isSet()) {
      region = params.envStringOr("aws_region_name", "AWS_DEFAULT_REGION");
    }
    return region.isSet() ? region.value() : AwsAuth.DEFAULT_REGION;
  }
}
