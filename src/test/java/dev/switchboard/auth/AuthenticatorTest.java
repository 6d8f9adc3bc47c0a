package dev.switchboard.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.KeyLookup;
import dev.switchboard.model.AuthCheck;
import dev.switchboard.model.Principal;
import dev.switchboard.model.VirtualKey;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The Auth stage alone: who a credential is, from the master key, a key store and the key cache. */
class AuthenticatorTest {

  private static final String MASTER = "sk-master-authenticator";
  private static final String SECRET = "sk-virtual-0123456789";

  private static VirtualKey key(String secret, boolean blocked) {
    return new VirtualKey(hash(secret), "sk-...6789", "alias-1", List.of(), null, null, null, blocked, null, null,
        null, null, null, new JsonObject(), new JsonObject(), new JsonObject(), List.of(), 0, null, null, null, false,
        null, null, new JsonObject(), new JsonObject(), null, null, null);
  }

  private static String hash(String secret) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Future<Principal> check(Authenticator auth, String credential) {
    return auth.check(new AuthCheck(credential));
  }

  private static GatewayError refusal(Future<Principal> checked) {
    assertTrue(checked.failed(), "expected a refusal, got " + checked.result());
    return (GatewayError) checked.cause();
  }

  @Test
  void the_master_key_is_master_and_no_master_key_is_an_open_gateway() {
    Authenticator auth = new Authenticator(MASTER, KeyLookup.NONE, granted -> null);
    assertSame(Principal.MASTER, check(auth, MASTER).result());
    assertEquals(401, refusal(check(auth, null)).status());
    assertSame(Principal.OPEN, check(new Authenticator(null, KeyLookup.NONE, granted -> null), "anything").result());
  }

  @Test
  void without_a_database_every_virtual_key_is_unknown() {
    GatewayError refused = refusal(check(new Authenticator(MASTER, KeyLookup.NONE, granted -> null), SECRET));
    assertEquals(401, refused.status());
    assertTrue(refused.getMessage().startsWith("Invalid API key"), refused.getMessage());
  }

  @Test
  void a_stored_key_is_looked_up_once_then_cached_until_forgotten() {
    AtomicInteger lookups = new AtomicInteger();
    Map<String, VirtualKey> stored = Map.of(hash(SECRET), key(SECRET, false));
    Authenticator auth = new Authenticator(MASTER, tokenHash -> {
      lookups.incrementAndGet();
      return Future.succeededFuture(stored.get(tokenHash));
    }, granted -> null);
    assertEquals("alias-1", check(auth, SECRET).result().keyAlias());
    assertEquals("alias-1", check(auth, SECRET).result().keyAlias());
    assertEquals(1, lookups.get(), "the second check came from the cache");
    auth.forget(hash(SECRET));
    check(auth, SECRET);
    assertEquals(2, lookups.get(), "a forgotten key is read again");
  }

  @Test
  void a_blocked_key_is_refused_with_how_to_unblock_it() {
    Authenticator auth = new Authenticator(MASTER, tokenHash -> Future.succeededFuture(key(SECRET, true)),
        granted -> null);
    GatewayError refused = refusal(check(auth, SECRET));
    assertEquals(401, refused.status());
    assertTrue(refused.getMessage().contains("/key/unblock"), refused.getMessage());
    assertTrue(!refused.getMessage().contains(SECRET), "no secret in the message");
  }
}
