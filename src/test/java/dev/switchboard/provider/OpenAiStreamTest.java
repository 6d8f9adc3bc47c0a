package dev.switchboard.provider;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OpenAiStreamTest {

  @Test
  void only_a_usage_object_is_worth_parsing() {
    assertFalse(OpenAiStream.carriesUsageObject("{\"choices\":[{\"delta\":{\"content\":\"hi\"}}],\"usage\":null}"));
    assertFalse(OpenAiStream.carriesUsageObject("{\"choices\":[{\"delta\":{\"content\":\"the \\\"usage\\\" word\"}}]}"));
    assertTrue(OpenAiStream.carriesUsageObject("{\"choices\":[],\"usage\": {\"prompt_tokens\":3}}"));
    assertTrue(OpenAiStream.carriesUsageObject("{\"usage\" :\n{\"prompt_tokens\":1}}"));
  }
}
