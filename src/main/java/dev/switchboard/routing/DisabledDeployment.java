package dev.switchboard.routing;

/**
 * A {@code model_list} entry the gateway cannot serve (an unknown or not yet supported provider):
 * kept out of routing and of {@code /v1/models}, named at start-up and by the doctor, and a call
 * to its model name, when no other deployment serves it, is answered with {@code reason}.
 *
 * @param setting where it is written ({@code model_list[3].litellm_params.model})
 * @param provider the provider prefix as written
 */
public record DisabledDeployment(String modelName, String setting, String model, String provider, String reason) {

  /** One line for the start-up log and the doctor. */
  public String describe() {
    return "model '" + modelName + "' (" + setting + ": " + model + ") is disabled: " + reason;
  }
}
