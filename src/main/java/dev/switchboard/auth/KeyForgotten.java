package dev.switchboard.auth;

/**
 * {@code auth.forget}: the key with this hash changed or was deleted; caches must drop it. A null
 * hash ({@link #ALL}) drops every key: a user or team changed, and with it what its keys may do.
 */
public record KeyForgotten(String tokenHash) {

  public static final KeyForgotten ALL = new KeyForgotten(null);

  @Override
  public String toString() {
    return "KeyForgotten[redacted]";
  }
}
