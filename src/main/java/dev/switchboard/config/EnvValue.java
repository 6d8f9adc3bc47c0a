package dev.switchboard.config;

/**
 * A config string that may come from {@code os.environ/NAME}. When the variable is unset the value
 * is null and {@link #unsetVariable()} names it, so the deployment still loads and a call to it can
 * say exactly which variable to set.
 */
public record EnvValue(String value, String unsetVariable) {

  public static final EnvValue ABSENT = new EnvValue(null, null);

  public static EnvValue of(String value) {
    return value == null ? ABSENT : new EnvValue(value, null);
  }

  public static EnvValue unset(String variable) {
    return new EnvValue(null, variable);
  }

  public boolean isSet() {
    return value != null;
  }

  public boolean isMissingVariable() {
    return unsetVariable != null;
  }

  /** Never prints the value: these are often secrets. */
  @Override
  public String toString() {
    return isSet() ? "EnvValue[set]" : isMissingVariable() ? "EnvValue[unset " + unsetVariable + "]" : "EnvValue[absent]";
  }
}
