package dev.switchboard.model;

/** {@code auth.check}: the credential the client sent (null when none), from whichever header. */
public record AuthCheck(String credential) {

  @Override
  public String toString() {
    return "AuthCheck[credential=" + (credential == null ? "none" : "redacted") + "]";
  }
}
