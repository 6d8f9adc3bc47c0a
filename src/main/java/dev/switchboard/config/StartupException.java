package dev.switchboard.config;

/** A start-up failure with a one-line message meant for the operator; printed without a stack trace. */
public final class StartupException extends RuntimeException {

  public StartupException(String message) {
    super(message, null, false, false);
  }
}
