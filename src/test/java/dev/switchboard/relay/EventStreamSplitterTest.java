package dev.switchboard.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.errors.GatewayError;
import dev.switchboard.testing.BedrockWire;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** AWS event-stream frames from reads cut anywhere, CRC-checked, bounded, and paused with the client. */
class EventStreamSplitterTest {

  private static final Buffer STREAM = Buffer.buffer()
      .appendBuffer(BedrockWire.event("messageStart", new JsonObject().put("role", "assistant")))
      .appendBuffer(BedrockWire.event("contentBlockDelta", new JsonObject().put("contentBlockIndex", 0)
          .put("delta", new JsonObject().put("text", "Hé \"quoted\""))))
      .appendBuffer(BedrockWire.exception("throttlingException", "Slow down"));
  private static final List<String> EVENTS = List.of(
      "{\"messageStart\":{\"role\":\"assistant\",\"p\":\"abcdefgh\"}}",
      "{\"contentBlockDelta\":{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hé \\\"quoted\\\"\"},\"p\":\"abcdefgh\"}}",
      "{\"exception\":{\"type\":\"throttlingException\",\"payload\":{\"message\":\"Slow down\"}}}");

  @Test
  void every_cut_of_the_stream_gives_the_same_events() {
    byte[] bytes = STREAM.getBytes();
    for (int cut = 0; cut <= bytes.length; cut += 3) {
      for (int second = cut; second <= bytes.length; second += 7) {
        List<String> events = new ArrayList<>();
        EventStreamSplitter splitter = new EventStreamSplitter(1000, (data, wire) -> events.add(data));
        splitter.feed(Buffer.buffer(bytes).slice(0, cut));
        splitter.feed(Buffer.buffer(bytes).slice(cut, second));
        splitter.feed(Buffer.buffer(bytes).slice(second, bytes.length));
        assertEquals(EVENTS, events, "cut at " + cut + " and " + second);
      }
    }
  }

  @Test
  void one_byte_at_a_time_and_a_frame_cut_by_the_end_is_dropped() {
    List<String> events = new ArrayList<>();
    EventStreamSplitter splitter = new EventStreamSplitter(1000, (data, wire) -> events.add(data));
    byte[] bytes = STREAM.getBytes();
    for (int i = 0; i < bytes.length + 10; i++) {
      splitter.feed(Buffer.buffer(new byte[] {bytes[i % bytes.length]}));
    }
    splitter.end();
    assertEquals(EVENTS, events);
  }

  @Test
  void a_frame_whose_crc_does_not_match_is_refused() {
    byte[] bytes = BedrockWire.event("messageStart", new JsonObject().put("role", "assistant")).getBytes();
    bytes[bytes.length - 6] ^= 1; // a payload byte
    EventStreamSplitter splitter = new EventStreamSplitter(1000, (data, wire) -> { });
    GatewayError error = assertThrows(GatewayError.class, () -> splitter.feed(Buffer.buffer(bytes)));
    assertTrue(error.getMessage().contains("event-stream"), error.getMessage());
  }

  @Test
  void a_frame_longer_than_the_cap_is_refused_from_its_length_before_its_bytes_arrive() {
    Buffer frame = BedrockWire.event("contentBlockDelta", new JsonObject().put("delta", new JsonObject().put("text", "x".repeat(500))));
    EventStreamSplitter splitter = new EventStreamSplitter(200, (data, wire) -> { });
    assertThrows(SseParser.EventTooLargeException.class, () -> splitter.feed(frame.slice(0, 6)));
  }

  @Test
  void a_pause_holds_the_rest_of_the_read_until_resume() {
    List<String> events = new ArrayList<>();
    EventStreamSplitter[] splitter = new EventStreamSplitter[1];
    splitter[0] = new EventStreamSplitter(1000, (data, wire) -> {
      events.add(data);
      splitter[0].pause();
    });
    splitter[0].feed(STREAM);
    assertEquals(EVENTS.subList(0, 1), events);
    splitter[0].resume();
    assertEquals(EVENTS.subList(0, 2), events);
    splitter[0].resume();
    assertEquals(EVENTS, events);
  }
}
