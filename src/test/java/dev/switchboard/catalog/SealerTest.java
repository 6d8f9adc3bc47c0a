package dev.switchboard.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Provider secrets at rest: sealed with the salt key (else the master key), opened only with the same key. */
class SealerTest {

  private static final String SECRET = "sk-provider-secret-42";

  @Test
  void a_sealed_value_hides_the_secret_and_opens_with_the_same_key() {
    Sealer sealer = Sealer.from(Map.of("LITELLM_SALT_KEY", "salt-1")::get, "sk-master");
    String sealed = sealer.seal(SECRET);
    assertFalse(sealed.contains(SECRET));
    assertNotEquals(sealed, sealer.seal(SECRET), "a fresh nonce each time");
    assertEquals(SECRET, Sealer.from(Map.of("LITELLM_SALT_KEY", "salt-1")::get, "sk-other-master").open(sealed),
        "the salt key, not the master key, seals when it is set");
  }

  @Test
  void another_key_cannot_open_it_and_the_refusal_does_not_show_it() {
    String sealed = Sealer.from(Map.of("SWITCHBOARD_SALT_KEY", "salt-1")::get, null).seal(SECRET);
    IllegalStateException refused = assertThrows(IllegalStateException.class,
        () -> Sealer.from(Map.<String, String>of()::get, "sk-master").open(sealed));
    assertFalse(refused.getMessage().contains(SECRET));
    assertTrue(refused.getMessage().contains("LITELLM_SALT_KEY"), refused.getMessage());
  }

  @Test
  void the_master_key_seals_without_a_salt_key_and_plain_values_pass_through() {
    Sealer sealer = Sealer.from(Map.<String, String>of()::get, "sk-master");
    assertTrue(sealer.seals());
    assertEquals(SECRET, sealer.open(sealer.seal(SECRET)));
    assertEquals("os.environ/OPENAI_API_KEY", sealer.open("os.environ/OPENAI_API_KEY"));
  }
}
