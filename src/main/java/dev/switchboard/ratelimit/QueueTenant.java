package dev.switchboard.ratelimit;

import dev.switchboard.model.Principal;
import dev.switchboard.model.VirtualKey;
import io.vertx.core.json.JsonObject;

/**
 * Who waits in which fair queue and with what share: the team when the key has one, else the key.
 * Owns the reading of {@link FairQueues#WEIGHT_FIELD} and {@link FairQueues#PRIORITY_FIELD} from
 * the tenant's metadata.
 */
record QueueTenant(String id, double weight, int priority) {

  static QueueTenant of(Principal principal) {
    VirtualKey key = principal.key();
    if (key == null) {
      return new QueueTenant("caller:" + principal.keyAlias(), 1, 0);
    }
    boolean team = key.teamId() != null;
    JsonObject metadata = team ? key.teamMetadata() : key.metadata();
    double weight = metadata != null && metadata.getValue(FairQueues.WEIGHT_FIELD) instanceof Number n ? n.doubleValue() : 1;
    int priority = metadata != null && metadata.getValue(FairQueues.PRIORITY_FIELD) instanceof Number n ? n.intValue() : 0;
    String id = (team ? "team:" + key.teamId() : "key:" + key.tokenHash()) + "|" + priority;
    return new QueueTenant(id, weight <= 0 ? 1 : weight, priority);
  }
}
