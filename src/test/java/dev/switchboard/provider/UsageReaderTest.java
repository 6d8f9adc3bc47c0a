package dev.switchboard.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.model.Usage;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

/** The passthrough's usage read: the same usage and the same refusals as parsing the whole answer. */
class UsageReaderTest {

  private static UsageReader.Found read(String body) {
    return UsageReader.read(Buffer.buffer(body));
  }

  @Test
  void finds_usage_after_choices_it_skips_and_reads_nested_details() {
    UsageReader.Found found = read("""
        {"id":"x","choices":[{"message":{"content":"{\\"usage\\":1}","tool_calls":[{"a":[1,2,{"b":null}]}]}}],
         "usage":{"prompt_tokens":11,"completion_tokens":7,"total_tokens":18,
                  "prompt_tokens_details":{"cached_tokens":3},"extra":[1,"two",true,false,null,1.5]},
         "system_fingerprint":null}""");
    assertTrue(found.isObject());
    assertEquals(new Usage(11, 7, 18, 3), Usage.fromOpenAi(found.usage()));
  }

  @Test
  void an_answer_without_usage_is_an_object_with_none() {
    UsageReader.Found found = read("{\"choices\":[],\"usage\":null}");
    assertTrue(found.isObject());
    assertNull(found.usage());
    assertEquals(Usage.NONE, Usage.fromOpenAi(found.usage()));
  }

  @Test
  void what_is_not_one_well_formed_object_is_refused() {
    for (String body : new String[] {"", "[]", "\"text\"", "{\"a\":1", "{\"a\":1} trailing", "{\"a\":[1,}",
        "<html>502</html>", "{\"usage\":{\"prompt_tokens\":1}"}) {
      assertFalse(read(body).isObject(), body);
    }
  }
}
