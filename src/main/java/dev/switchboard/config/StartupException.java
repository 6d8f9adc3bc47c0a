package dev.switchboard.config;

import java.util.List;

/**
 * A start-up failure with a message meant for the operator; printed without a stack trace. A
 * config with several problems fails with all of them at once: one line each.
 */
public final class StartupException extends RuntimeException {

  private final transient List<ConfigProblem> problems;

  public StartupException(String message) {
    super(message, null, false, false);
    this.problems = List.of(new ConfigProblem("", message));
  }

  private StartupException(String message, List<ConfigProblem> problems) {
    super(message, null, false, false);
    this.problems = problems;
  }

  /** One exception for every problem found: the only one's message, or a line per problem. */
  public static StartupException of(List<ConfigProblem> problems) {
    if (problems.size() == 1) {
      return new StartupException(problems.get(0).message(), List.copyOf(problems));
    }
    StringBuilder message = new StringBuilder().append(problems.size()).append(" problems in the config:");
    problems.forEach(p -> message.append(System.lineSeparator()).append("  - ").append(p.message()));
    return new StartupException(message.toString(), List.copyOf(problems));
  }

  /** Each problem found, with its setting's path. */
  public List<ConfigProblem> problems() {
    return problems;
  }
}
