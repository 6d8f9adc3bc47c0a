package dev.switchboard.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code general_settings.store_model_in_db}, or LiteLLM's environment variable {@code STORE_MODEL_IN_DB}. */
class StoreModelInDbTest {

  private static GatewayConfig read(String general, Map<String, String> env) {
    return new ConfigLoader(env::get).parse("model_list: []\ngeneral_settings: {" + general + "}\n", "test.yaml");
  }

  @Test
  void the_setting_turns_it_on_and_is_not_reported_as_ignored() {
    GatewayConfig config = read("store_model_in_db: true", Map.of());
    assertTrue(config.general().storeModelInDb());
    assertFalse(config.ignoredKeys().stream().anyMatch(key -> key.contains("store_model_in_db")), config.ignoredKeys()
        .toString());
  }

  @Test
  void litellms_environment_variable_turns_it_on_too() {
    assertTrue(read("", Map.of("STORE_MODEL_IN_DB", "True")).general().storeModelInDb());
  }

  @Test
  void it_is_off_by_default() {
    assertFalse(read("", Map.of()).general().storeModelInDb());
    assertFalse(read("store_model_in_db: false", Map.of("STORE_MODEL_IN_DB", "False")).general().storeModelInDb());
  }
}
