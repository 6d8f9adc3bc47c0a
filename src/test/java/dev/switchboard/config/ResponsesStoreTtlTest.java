package dev.switchboard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code general_settings.responses_store_ttl}: LiteLLM-style durations or seconds, 30 days unless set. */
class ResponsesStoreTtlTest {

  private static ConfigLoader.Reading read(String general) {
    return new ConfigLoader(name -> null).read("general_settings: {" + general + "}\n", "config.yaml");
  }

  private static long ttl(String general) {
    ConfigLoader.Reading reading = read(general);
    assertTrue(reading.problems().isEmpty(), reading.problems().toString());
    return reading.config().general().responsesStoreTtlSeconds();
  }

  @Test
  void durations_and_seconds_are_read_and_30_days_is_the_default() {
    assertEquals(30L * 86_400, ttl(""));
    assertEquals(GeneralSettings.DEFAULT_RESPONSES_STORE_TTL_SECONDS, ttl(""));
    assertEquals(7_200, ttl("responses_store_ttl: 2h"));
    assertEquals(90 * 60, ttl("responses_store_ttl: 90m"));
    assertEquals(7 * 86_400, ttl("responses_store_ttl: 1w"));
    assertEquals(3 * 86_400, ttl("responses_store_ttl: 3d"));
    assertEquals(600, ttl("responses_store_ttl: 600"));
  }

  @Test
  void a_ttl_that_is_no_duration_is_a_problem_naming_the_setting() {
    for (String bad : List.of("0", "soon", "\"-5\"", "1mo")) {
      ConfigLoader.Reading reading = read("responses_store_ttl: " + bad);
      assertEquals(List.of("general_settings.responses_store_ttl"),
          reading.problems().stream().map(ConfigProblem::path).toList(), bad);
    }
  }
}
