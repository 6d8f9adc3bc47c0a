package dev.switchboard.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads one deployment given at run time ({@code /model/new}'s body: {@code model_name},
 * {@code litellm_params}, {@code model_info}) exactly as an entry of the file's {@code model_list}
 * is read, {@code os.environ/} references included, so the two can never disagree on what a field
 * means. Problems are named by their path inside the entry ({@code litellm_params.model}).
 */
public final class ModelEntries {

  /**
   * @param deployment the entry, or null when a required field is missing
   * @param unknown    fields the gateway does not read (a {@code model_info} of any shape is kept as given)
   */
  public record Reading(DeploymentConfig deployment, List<ConfigProblem> problems, List<String> unknown) {
  }

  private ModelEntries() {
  }

  /** @param entry the entry as plain maps, lists and scalars (decoded JSON) */
  public static Reading read(Map<String, Object> entry, Function<String, String> env) {
    Problems problems = new Problems();
    YamlSection section = YamlSection.of("", entry, env, problems);
    List<String> read = new ArrayList<>();
    DeploymentConfig deployment = problems.attempt("", () -> ModelListReader.deployment(section, 0, read), () -> null);
    List<String> unknown = read.stream().filter(path -> !path.startsWith("model_info.")).toList();
    return new Reading(problems.isEmpty() ? deployment : null, problems.list(), unknown);
  }
}
