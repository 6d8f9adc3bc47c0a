package dev.switchboard.auth;

/** {@code auth.forget}: the key with this hash changed or was deleted; caches must drop it. */
public record KeyForgotten(String tokenHash) {

  @Override
  public String toString() {
    return "KeyForgotten[redacted]";
  }
}
