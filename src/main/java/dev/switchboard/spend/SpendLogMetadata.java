package dev.switchboard.spend;

import dev.switchboard.model.Deployment;
import dev.switchboard.model.VirtualKey;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;

/**
 * Builds a spend row's {@link SpendDetail} from its event: LiteLLM's SpendLogsMetadata fields
 * ({@code user_api_key*}, {@code spend_logs_metadata}, {@code requester_ip_address}, {@code status},
 * {@code error_information}) plus the client's own {@code metadata} under {@code requester_metadata},
 * bounded so that no client can make a row large.
 */
final class SpendLogMetadata {

  /** The most of the client's metadata a row keeps, as JSON text. */
  static final int MAX_CLIENT_METADATA_CHARS = 4096;
  private static final int MAX_CLEANED = 1024;
  private static final Map<String, Optional<String>> CLEANED = new ConcurrentHashMap<>();

  private SpendLogMetadata() {
  }

  static SpendDetail detail(SpendEvent event, long endMillis) {
    VirtualKey key = event.principal() == null ? null : event.principal().key();
    boolean failed = event.errorType() != null || event.status() >= 400;
    JsonObject metadata = new JsonObject()
        .put("user_api_key", key == null ? null : key.tokenHash())
        .put("user_api_key_alias", key == null ? null : key.keyAlias())
        .put("user_api_key_team_id", key == null ? null : key.teamId())
        .put("user_api_key_org_id", null)
        .put("user_api_key_user_id", key == null ? null : key.userId())
        .put("user_api_key_team_alias", null)
        .put("user_api_key_end_user_id", event.endUser())
        .put("spend_logs_metadata", event.clientMetadata() != null
            && event.clientMetadata().getValue("spend_logs_metadata") instanceof JsonObject special
            ? bounded(special) : null)
        .put("requester_ip_address", event.clientIp())
        .put("status", failed ? "failure" : "success");
    if (failed) {
      metadata.put("error_information", new JsonObject().put("error_code", String.valueOf(event.status()))
          .put("error_class", event.errorType()));
    }
    if (event.clientMetadata() != null) {
      metadata.put("requester_metadata", bounded(event.clientMetadata()));
    }
    long start = event.startEpochMillis();
    Long completionStart = event.stream() && event.timeToFirstByteNanos() > 0
        ? start + event.timeToFirstByteNanos() / 1_000_000 : endMillis;
    return new SpendDetail(apiBase(event.deployment()), metadata, null, event.clientIp(), completionStart,
        event.durationNanos() / 1_000_000);
  }

  /** The client's fields in order while they fit; a field that would pass the bound is left out, and so marked. */
  static JsonObject bounded(JsonObject client) {
    JsonObject kept = new JsonObject();
    int used = 2;
    for (Map.Entry<String, Object> field : client) {
      String text = new JsonObject().put(field.getKey(), field.getValue()).encode();
      if (used + text.length() > MAX_CLIENT_METADATA_CHARS) {
        kept.put("switchboard_truncated", true);
        break;
      }
      kept.put(field.getKey(), field.getValue());
      used += text.length();
    }
    return kept;
  }

  /** The deployment's base URL with no user info, query or fragment: those can hold credentials. */
  static String apiBase(Deployment deployment) {
    if (deployment == null) {
      return null;
    }
    String base = deployment.apiBase() != null && deployment.apiBase().isSet() ? deployment.apiBase().value()
        : deployment.provider().defaultApiBase();
    if (base == null) {
      return null;
    }
    // A deployment's base is cleaned once, not parsed as a URI on every request; bases come from
    // the model list, so the map stays small (cleared should a churn of reloads ever grow it).
    Optional<String> cleaned = CLEANED.get(base);
    if (cleaned == null) {
      if (CLEANED.size() >= MAX_CLEANED) {
        CLEANED.clear();
      }
      cleaned = Optional.ofNullable(clean(base));
      CLEANED.put(base, cleaned);
    }
    return cleaned.orElse(null);
  }

  /** A base URL with its user info, query and fragment removed; null when it is none or not a URL. */
  static String clean(String base) {
    if (base == null) {
      return null;
    }
    try {
      URI uri = new URI(base);
      return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null).toString();
    } catch (URISyntaxException | IllegalArgumentException e) {
      return null; // not a URL we can clean: better none than one that may carry a secret
    }
  }
}
