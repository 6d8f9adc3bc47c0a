package dev.switchboard.files;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.model.Usage;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

/** How a batch output file's lines add up: answered lines only, chat and Responses usage alike. */
class BatchUsageTest {

  @Test
  void answered_lines_are_summed_and_refused_or_unreadable_ones_are_not() {
    BatchUsage usage = new BatchUsage();
    usage.line(Buffer.buffer("{\"response\":{\"status_code\":200,\"body\":{\"usage\":{\"prompt_tokens\":10,"
        + "\"completion_tokens\":4,\"prompt_tokens_details\":{\"cached_tokens\":6}}}}}"));
    usage.line(Buffer.buffer("{\"response\":{\"status_code\":200,\"body\":{\"usage\":{\"input_tokens\":7,\"output_tokens\":3}}}}"));
    usage.line(Buffer.buffer("{\"response\":{\"status_code\":429,\"body\":{\"usage\":{\"prompt_tokens\":99}}}}"));
    usage.line(Buffer.buffer("{\"response\":null,\"error\":{\"code\":\"batch_expired\"}}"));
    usage.line(Buffer.buffer("not json"));
    usage.line(Buffer.buffer(""));
    assertEquals(new Usage(17, 7, 24, 6), usage.usage());
    assertEquals(2, usage.succeeded());
    assertEquals(2, usage.failed());
  }
}
