package dev.switchboard.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Who is calling: the master key, anyone (a gateway without a master key), or a virtual key.
 * A virtual key carries its user's and team's limits as read when it was authenticated.
 */
public record Principal(String keyAlias, boolean master, VirtualKey key, Set<String> models) {

  public static final Principal MASTER = new Principal("master", true, null, null);
  /** The caller of a gateway with no master key configured. */
  public static final Principal OPEN = new Principal("open", false, null, null);

  /** @param models the model names the key may use (access groups expanded), or null for all */
  public static Principal of(VirtualKey key, Set<String> models) {
    return new Principal(key.keyAlias() != null ? key.keyAlias() : key.keyName(), false, key, models);
  }

  /** The key's, its user's and its team's limits, in that order (empty for the master key or an open gateway). */
  public List<Quota> quotas() {
    if (key == null) {
      return List.of();
    }
    List<Quota> quotas = new ArrayList<>(3);
    quotas.add(key.quota());
    if (key.userQuota() != null) {
      quotas.add(key.userQuota());
    }
    if (key.teamQuota() != null) {
      quotas.add(key.teamQuota());
    }
    return quotas;
  }

  public boolean allows(String model) {
    return models == null || models.contains(model);
  }

  /** The models this caller is limited to, sorted; empty when it may use them all. */
  public List<String> allowedModels() {
    return models == null ? List.of() : models.stream().sorted().toList();
  }
}
