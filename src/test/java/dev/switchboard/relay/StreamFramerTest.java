package dev.switchboard.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class StreamFramerTest {

  private static final String USAGE_CHUNK =
      "{\"choices\":[],\"usage\": {\"prompt_tokens\":3,\"completion_tokens\":4,\"total_tokens\":7}}";

  @Test
  void the_usage_chunk_is_read_and_held_back_when_only_the_gateway_asked() {
    StreamFramer framer = new StreamFramer(true);
    assertEquals("data: {\"a\":1}\n\n", framer.frame("{\"a\":1}").toString());
    assertNull(framer.frame(USAGE_CHUNK));
    assertEquals(7, framer.usage().totalTokens());
    assertEquals("data: [DONE]\n\n", framer.frame("[DONE]").toString());
    assertNull(framer.end(), "one [DONE] only");
  }

  @Test
  void the_usage_chunk_is_forwarded_when_the_client_asked_and_done_is_added_when_missing() {
    StreamFramer framer = new StreamFramer(false);
    assertEquals("data: " + USAGE_CHUNK + "\n\n", framer.frame(USAGE_CHUNK).toString());
    assertEquals(3, framer.usage().promptTokens());
    assertEquals("data: [DONE]\n\n", framer.end().toString());
  }
}
