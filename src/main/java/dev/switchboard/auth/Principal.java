package dev.switchboard.auth;

import dev.switchboard.keys.VirtualKey;
import java.util.List;

/**
 * Who is calling: the master key, anyone (a gateway without a master key), or a virtual key.
 * Users and teams join this record with their issue.
 */
public record Principal(String keyAlias, boolean master, VirtualKey key) {

  public static final Principal MASTER = new Principal("master", true, null);
  /** The caller of a gateway with no master key configured. */
  public static final Principal OPEN = new Principal("open", false, null);

  static Principal of(VirtualKey key) {
    return new Principal(key.keyAlias() != null ? key.keyAlias() : key.keyName(), false, key);
  }

  public boolean allows(String model) {
    return key == null || key.allows(model);
  }

  /** The models this caller is limited to; empty when it may use them all. */
  public List<String> allowedModels() {
    return key == null ? List.of() : key.models();
  }
}
