package dev.switchboard.catalog;

import dev.switchboard.config.ConfigProblem;
import dev.switchboard.config.DeploymentConfig;
import dev.switchboard.config.ModelEntries;
import dev.switchboard.config.StartupException;
import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.provider.Providers;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Reading and merging the bodies of the model management endpoints (LiteLLM's {@code Deployment}
 * and {@code updateDeployment}), each mistake a 400 naming the field, with LiteLLM's messages
 * where it has one.
 */
final class ModelEdits {

  static final Set<String> FIELDS = Set.of("model_name", "litellm_params", "model_info");

  private ModelEdits() {
  }

  /** The deployment {@code model} describes, read as a {@code model_list} entry is; a 400 naming what is wrong. */
  static DeploymentConfig entry(StoredModel model, Function<String, String> env) {
    ModelEntries.Reading reading = ModelEntries.read(model.asEntry(), env);
    if (!reading.problems().isEmpty()) {
      ConfigProblem first = reading.problems().get(0);
      throw GatewayError.badRequest(first.path(), first.message());
    }
    if (!reading.unknown().isEmpty()) {
      String field = reading.unknown().get(0);
      throw GatewayError.badRequest(field, "'" + field + "' is not a field this gateway reads in a deployment "
          + "(it would be silently ignored); remove it. litellm_params takes the fields model_list entries take.");
    }
    String unsupported = Providers.unsupported(reading.deployment().params().model());
    if (unsupported != null) {
      throw GatewayError.badRequest("litellm_params.model", "litellm_params.model: " + unsupported);
    }
    return new DeploymentConfig(reading.deployment().modelName(), reading.deployment().params(),
        reading.deployment().info().stored(model.id()), 0);
  }

  /** Only the fields of a Deployment: anything else would be stored and never honoured. */
  static void onlyKnownFields(JsonObject body) {
    for (String field : body.fieldNames()) {
      if (!FIELDS.contains(field)) {
        throw GatewayError.badRequest(field, "'" + field + "' is not a field of a deployment; send model_name, "
            + "litellm_params and model_info.");
      }
    }
  }

  static JsonObject object(JsonObject body, String field, boolean required) {
    Object value = body.getValue(field);
    if (value == null) {
      if (required) {
        throw GatewayError.badRequest(field, field + " is required, e.g. {\"" + field + "\": {\"model\": "
            + "\"openai/gpt-4o-mini\", \"api_key\": \"os.environ/OPENAI_API_KEY\"}}");
      }
      return new JsonObject();
    }
    if (!(value instanceof JsonObject object)) {
      throw GatewayError.badRequest(field, field + " must be a JSON object");
    }
    return object;
  }

  static String text(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value != null && !(value instanceof String)) {
      throw GatewayError.badRequest(field, field + " must be a string");
    }
    return (String) value;
  }

  /** {@code base} with every non-null field of {@code change} put over it (null leaves a field as it was). */
  static JsonObject merged(JsonObject base, JsonObject change) {
    JsonObject out = base.copy();
    change.forEach(field -> {
      if (field.getValue() != null) {
        out.put(field.getKey(), field.getValue());
      }
    });
    return out;
  }

  /** model_info as stored: what was given, less what the gateway owns ({@code id}, {@code db_model}). */
  static JsonObject storedInfo(JsonObject info) {
    JsonObject out = info.copy();
    out.remove("id");
    out.remove("db_model");
    return out;
  }

  /** The model list would not serve with this deployment: a 400 saying why, in terms of the request's fields. */
  static GatewayError refused(StartupException e) {
    List<ConfigProblem> problems = e.problems();
    ConfigProblem first = problems.isEmpty() ? new ConfigProblem("", e.getMessage()) : problems.get(0);
    return GatewayError.badRequest(local(first.path()), local(first.message()));
  }

  private static String local(String text) {
    return text == null ? null : text.replaceAll("model_list\\[\\d+]\\.?", "");
  }

  /** LiteLLM's answer when {@code store_model_in_db} is off (a 500, as LiteLLM gives it). */
  static GatewayError storeOff() {
    return GatewayError.of(ErrorClass.INTERNAL_SERVER, "store_model_in_db_off", "Set `'STORE_MODEL_IN_DB='True'` in "
        + "your env to enable this feature. (Switchboard: general_settings.store_model_in_db: true, then restart.)");
  }

  static GatewayError noDatabase() {
    return GatewayError.of(ErrorClass.INTERNAL_SERVER, "no_database", "No DB Connected. Models added at run time are "
        + "kept in Postgres, and this gateway runs with general_settings.database_url: none; remove it (embedded "
        + "database) or point it at Postgres.");
  }
}
