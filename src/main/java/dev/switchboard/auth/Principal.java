package dev.switchboard.auth;

/** Who is calling. Virtual keys, users and teams join this record in the keys issue. */
public record Principal(String keyAlias, boolean master) {

  public static final Principal MASTER = new Principal("master", true);
  /** The caller of a gateway with no master key configured. */
  public static final Principal OPEN = new Principal("open", false);
}
