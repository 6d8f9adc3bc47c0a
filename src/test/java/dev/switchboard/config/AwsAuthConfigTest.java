package dev.switchboard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bedrock's signing settings in litellm_params, LiteLLM's AWS_* fallbacks and the endpoint they imply. */
class AwsAuthConfigTest {

  private static DeploymentConfig entry(String params, Map<String, String> env) {
    GatewayConfig config = new ConfigLoader(env::get).parse("model_list:\n  - model_name: m\n    litellm_params: "
        + params + "\n", "config.yaml");
    return config.modelList().get(0);
  }

  @Test
  void the_settings_are_read_and_the_region_names_the_endpoint() {
    DeploymentConfig entry = entry("{model: bedrock/meta.llama3-1-70b-instruct-v1:0, aws_access_key_id: AKID, "
        + "aws_secret_access_key: os.environ/SECRET, aws_session_token: tok, aws_region_name: eu-west-3}", Map.of("SECRET", "s3cr3t"));
    AwsAuth auth = entry.params().awsAuth();
    assertEquals("AKID", auth.accessKeyId().value());
    assertEquals("s3cr3t", auth.secretAccessKey().value());
    assertEquals("tok", auth.sessionToken().value());
    assertEquals("eu-west-3", auth.region());
    assertEquals("https://bedrock-runtime.eu-west-3.amazonaws.com", entry.params().apiBase().value());
    assertFalse(auth.toString().contains("s3cr3t") || auth.toString().contains("tok,"), auth.toString());
  }

  @Test
  void the_aws_environment_variables_fill_in_and_the_runtime_endpoint_setting_wins_over_the_region() {
    DeploymentConfig entry = entry("{model: bedrock/converse/amazon.nova-pro-v1:0, aws_bedrock_runtime_endpoint: \"http://127.0.0.1:9\"}",
        Map.of("AWS_ACCESS_KEY_ID", "env-id", "AWS_SECRET_ACCESS_KEY", "env-secret", "AWS_SESSION_TOKEN", "env-token",
            "AWS_DEFAULT_REGION", "ap-south-1"));
    AwsAuth auth = entry.params().awsAuth();
    assertEquals("env-id", auth.accessKeyId().value());
    assertEquals("env-secret", auth.secretAccessKey().value());
    assertEquals("env-token", auth.sessionToken().value());
    assertEquals("ap-south-1", auth.region());
    assertEquals("http://127.0.0.1:9", entry.params().apiBase().value());
  }

  @Test
  void without_a_region_anywhere_it_is_litellms_default_and_aws_region_wins_over_the_default_variable() {
    assertEquals("us-west-2", entry("{model: bedrock/m}", Map.of()).params().awsAuth().region());
    assertEquals("https://bedrock-runtime.us-west-2.amazonaws.com", entry("{model: bedrock/m}", Map.of()).params().apiBase().value());
    assertEquals("us-east-2", entry("{model: bedrock/m}", Map.of("AWS_REGION", "us-east-2", "AWS_DEFAULT_REGION", "eu-west-1"))
        .params().awsAuth().region());
  }

  @Test
  void other_providers_read_no_aws_setting() {
    DeploymentConfig entry = entry("{model: openai/gpt-4o, aws_region_name: eu-west-3}", Map.of("AWS_ACCESS_KEY_ID", "x"));
    assertSame(AwsAuth.NONE, entry.params().awsAuth());
    assertFalse(entry.params().apiBase().isSet());
    assertTrue(AwsAuth.NONE.region().equals(AwsAuth.DEFAULT_REGION));
  }
}
