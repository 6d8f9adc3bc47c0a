package dev.switchboard.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.switchboard.config.ConfigLoader;
import dev.switchboard.model.Deployment;
import dev.switchboard.provider.OpenAiStream;
import dev.switchboard.model.Operation;
import dev.switchboard.routing.ModelRegistry;
import org.junit.jupiter.api.Test;

class StreamFramerTest {

  static final Deployment DEPLOYMENT = ModelRegistry.from(new ConfigLoader(name -> null)
      .parse("model_list: [{model_name: m, litellm_params: {model: openai/m}}]", "test")).group("m").deployments().get(0);

  private static final String USAGE_CHUNK =
      "{\"choices\":[],\"usage\": {\"prompt_tokens\":3,\"completion_tokens\":4,\"total_tokens\":7}}";

  @Test
  void the_usage_chunk_is_read_and_held_back_when_only_the_gateway_asked() {
    StreamFramer framer = new StreamFramer(new OpenAiStream(DEPLOYMENT, true), Operation.CHAT);
    assertEquals("data: {\"a\":1}\n\n", framer.frame("{\"a\":1}").toString());
    assertNull(framer.frame(USAGE_CHUNK));
    assertEquals(7, framer.usage().totalTokens());
    assertEquals("data: [DONE]\n\n", framer.frame("[DONE]").toString());
    assertNull(framer.end(), "one [DONE] only");
  }

  @Test
  void a_garbled_chunk_stops_the_stream() {
    StreamFramer framer = new StreamFramer(new OpenAiStream(DEPLOYMENT, false), Operation.CHAT);
    org.junit.jupiter.api.Assertions.assertThrows(dev.switchboard.errors.GatewayError.class,
        () -> framer.frame("{\"id\":\"x\",\"choices\":[{\"del"));
  }

  @Test
  void the_usage_chunk_is_forwarded_when_the_client_asked_and_done_is_added_when_missing() {
    StreamFramer framer = new StreamFramer(new OpenAiStream(DEPLOYMENT, false), Operation.CHAT);
    assertEquals("data: " + USAGE_CHUNK + "\n\n", framer.frame(USAGE_CHUNK).toString());
    assertEquals(3, framer.usage().promptTokens());
    assertEquals("data: [DONE]\n\n", framer.end().toString());
  }
}
