package dev.switchboard.ratelimit;

import dev.switchboard.model.Principal;
import dev.switchboard.model.Quota;
import dev.switchboard.model.VirtualKey;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Which limits a caller's request counts against: its key's (also per model), its user's and its team's. */
final class Scopes {

  private static final int MAX_CACHED_TAGS = 100_000;
  /** A key's Redis tag is derived from its hash, so not even the hash is written to Redis. */
  private static final Map<String, String> KEY_TAGS = new ConcurrentHashMap<>();

  private Scopes() {
  }

  static List<Scope> of(Principal principal, String model) {
    VirtualKey key = principal.key();
    if (key == null) {
      return List.of();
    }
    List<Scope> scopes = new ArrayList<>(4);
    String keyId = "k:" + key.tokenHash();
    add(scopes, keyId, null, "this key", Scope.Field.PLAIN, key.quota());
    long modelRpm = perModel(key.modelRpmLimit(), model);
    long modelTpm = perModel(key.modelTpmLimit(), model);
    if (modelRpm > 0 || modelTpm > 0) {
      scopes.add(new Scope(keyId + ":m:" + model, null, model, "this key for model '" + model + "'",
          Scope.Field.MODEL, modelRpm, modelTpm, 0));
    }
    if (key.userQuota() != null) {
      add(scopes, "u:" + key.userId(), "u:" + key.userId(), "user '" + key.userId() + "'", Scope.Field.PLAIN,
          key.userQuota());
    }
    if (key.teamQuota() != null) {
      add(scopes, "t:" + key.teamId(), "t:" + key.teamId(), "team '" + key.teamId() + "'", Scope.Field.PLAIN,
          key.teamQuota());
    }
    return scopes;
  }

  private static void add(List<Scope> scopes, String id, String tag, String holder, Scope.Field field, Quota quota) {
    long rpm = positive(quota.rpmLimit());
    long tpm = positive(quota.tpmLimit());
    long parallel = positive(quota.maxParallelRequests());
    if (rpm > 0 || tpm > 0 || parallel > 0) {
      scopes.add(new Scope(id, tag, null, holder, field, rpm, tpm, parallel));
    }
  }

  /** Fills in the Redis tag of key scopes (derived once per key), for counting in Redis. */
  static List<Scope> withRedisTags(List<Scope> scopes) {
    List<Scope> tagged = null;
    for (int i = 0; i < scopes.size(); i++) {
      Scope scope = scopes.get(i);
      if (scope.redisTag() == null) {
        if (tagged == null) {
          tagged = new ArrayList<>(scopes);
        }
        String hash = scope.id().substring(2, scope.model() == null ? scope.id().length() : scope.id().indexOf(":m:"));
        tagged.set(i, new Scope(scope.id(), keyTag(hash), scope.model(), scope.holder(), scope.field(), scope.rpm(),
            scope.tpm(), scope.parallel()));
      }
    }
    return tagged == null ? scopes : tagged;
  }

  private static String keyTag(String tokenHash) {
    String tag = KEY_TAGS.get(tokenHash);
    if (tag == null) {
      if (KEY_TAGS.size() >= MAX_CACHED_TAGS) {
        KEY_TAGS.clear();
      }
      tag = "k:" + HexFormat.of().formatHex(sha256("switchboard-ratelimit:" + tokenHash), 0, 12);
      KEY_TAGS.put(tokenHash, tag);
    }
    return tag;
  }

  private static long perModel(JsonObject limits, String model) {
    if (limits == null || model == null) {
      return 0;
    }
    return limits.getValue(model) instanceof Number n && n.longValue() > 0 ? n.longValue() : 0;
  }

  private static long positive(Integer value) {
    return value == null || value <= 0 ? 0 : value;
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
