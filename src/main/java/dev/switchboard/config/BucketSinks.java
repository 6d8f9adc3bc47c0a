package dev.switchboard.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The two bucket sinks, by LiteLLM's settings. {@code s3}: {@code litellm_settings.s3_callback_params}
 * ({@code s3_bucket_name}, {@code s3_region_name}, {@code s3_endpoint_url}, {@code s3_path},
 * {@code s3_aws_access_key_id}, {@code s3_aws_secret_access_key}, {@code s3_aws_session_token};
 * {@code os.environ/} values), the credentials and region falling back to the AWS_* environment.
 * {@code gcs_bucket}: {@code GCS_BUCKET_NAME} and the service-account key file
 * {@code GCS_PATH_SERVICE_ACCOUNT}. Credentials go in the sink's {@code extra}, which is never printed.
 */
final class BucketSinks {

  /** LiteLLM's region for non-model AWS calls when none is given. */
  static final String DEFAULT_S3_REGION = "us-east-1";
  static final String GCS_HOST = "https://storage.googleapis.com";

  private BucketSinks() {
  }

  static CallbackSettings.Sink s3(YamlSection params, Function<String, String> env, boolean onSuccess,
      boolean onFailure) {
    Map<String, String> given = params.strings();
    String bucket = CallbackSettings.set(given.get("s3_bucket_name"));
    if (bucket == null) {
      throw new StartupException("litellm_settings lists the 's3' callback, but s3_callback_params.s3_bucket_name is "
          + "not set; add it (or remove the callback)");
    }
    String region = first(given.get("s3_region_name"), env.apply("AWS_REGION_NAME"), env.apply("AWS_REGION"),
        DEFAULT_S3_REGION);
    String accessKey = first(given.get("s3_aws_access_key_id"), env.apply("AWS_ACCESS_KEY_ID"));
    String secretKey = first(given.get("s3_aws_secret_access_key"), env.apply("AWS_SECRET_ACCESS_KEY"));
    if (accessKey == null || secretKey == null) {
      throw new StartupException("litellm_settings lists the 's3' callback, but it has no AWS credentials: set "
          + "s3_callback_params.s3_aws_access_key_id and s3_aws_secret_access_key (or AWS_ACCESS_KEY_ID and "
          + "AWS_SECRET_ACCESS_KEY)");
    }
    String endpoint = CallbackSettings.set(given.get("s3_endpoint_url"));
    // Path style on an explicit endpoint (MinIO, R2...), else AWS's virtual-hosted bucket address.
    String base = endpoint != null
        ? CallbackSettings.url(CallbackSettings.trimSlash(endpoint), "s3_callback_params.s3_endpoint_url") + "/" + bucket
        : "https://" + bucket + ".s3." + region + ".amazonaws.com";
    Map<String, String> extra = new HashMap<>();
    extra.put("region", region);
    extra.put("path", first(given.get("s3_path"), ""));
    extra.put("access_key_id", accessKey);
    extra.put("secret_access_key", secretKey);
    String token = first(given.get("s3_aws_session_token"), env.apply("AWS_SESSION_TOKEN"));
    if (token != null) {
      extra.put("session_token", token);
    }
    return new CallbackSettings.Sink(CallbackSettings.Kind.S3, base, Map.of(), Map.copyOf(extra), onSuccess, onFailure);
  }

  static CallbackSettings.Sink gcs(Function<String, String> env, boolean onSuccess, boolean onFailure) {
    String bucket = CallbackSettings.required(env, "GCS_BUCKET_NAME", "gcs_bucket");
    String keyPath = CallbackSettings.required(env, "GCS_PATH_SERVICE_ACCOUNT", "gcs_bucket");
    String keyJson;
    try {
      keyJson = Files.readString(Path.of(keyPath));
    } catch (IOException | RuntimeException e) {
      throw new StartupException("GCS_PATH_SERVICE_ACCOUNT names " + keyPath + ", which cannot be read ("
          + e.getClass().getSimpleName() + "); give the path of a service-account key file");
    }
    // Google's client libraries send to an emulator named by STORAGE_EMULATOR_HOST; so does this sink.
    String host = CallbackSettings.orDefault(env.apply("STORAGE_EMULATOR_HOST"), GCS_HOST);
    String base = CallbackSettings.url(CallbackSettings.trimSlash(host), "STORAGE_EMULATOR_HOST")
        + "/upload/storage/v1/b/" + bucket + "/o";
    return new CallbackSettings.Sink(CallbackSettings.Kind.GCS_BUCKET, base, Map.of(),
        Map.of("key_json", keyJson, "bucket", bucket), onSuccess, onFailure);
  }

  private static String first(String... values) {
    for (String value : values) {
      String set = CallbackSettings.set(value);
      if (set != null) {
        return set;
      }
    }
    return null;
  }
}
