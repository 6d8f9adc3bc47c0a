package dev.switchboard.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NdjsonSplitterTest {

  private static final String STREAM = "{\"a\":1}\n\r\n{\"b\":\"x y\"}\r\n   \n\n{\"c\":[1,2]}\n";
  private static final List<String> LINES = List.of("{\"a\":1}", "{\"b\":\"x y\"}", "{\"c\":[1,2]}");

  @Test
  void every_cut_of_the_stream_gives_the_same_lines() {
    byte[] bytes = STREAM.getBytes();
    for (int cut = 0; cut <= bytes.length; cut++) {
      for (int second = cut; second <= bytes.length; second++) {
        List<String> events = new ArrayList<>();
        NdjsonSplitter splitter = new NdjsonSplitter(1000, (data, wire) -> {
          assertNull(wire);
          events.add(data);
        });
        splitter.feed(Buffer.buffer(bytes).slice(0, cut));
        splitter.feed(Buffer.buffer(bytes).slice(cut, second));
        splitter.feed(Buffer.buffer(bytes).slice(second, bytes.length));
        assertEquals(LINES, events, "cut at " + cut + " and " + second);
      }
    }
  }

  @Test
  void one_byte_at_a_time_and_a_last_line_without_newline_is_dropped_at_the_end() {
    List<String> events = new ArrayList<>();
    NdjsonSplitter splitter = new NdjsonSplitter(1000, (data, wire) -> events.add(data));
    for (byte b : (STREAM + "{\"cut\":").getBytes()) {
      splitter.feed(Buffer.buffer(new byte[] {b}));
    }
    splitter.end();
    assertEquals(LINES, events);
  }

  @Test
  void a_line_past_the_bound_is_refused_in_one_read_or_across_many() {
    NdjsonSplitter whole = new NdjsonSplitter(100, (data, wire) -> { });
    assertThrows(SseParser.EventTooLargeException.class, () -> whole.feed(Buffer.buffer("x".repeat(101) + "\n")));
    NdjsonSplitter pieces = new NdjsonSplitter(100, (data, wire) -> { });
    pieces.feed(Buffer.buffer("y".repeat(60)));
    assertThrows(SseParser.EventTooLargeException.class, () -> pieces.feed(Buffer.buffer("y".repeat(60))));
    List<String> events = new ArrayList<>();
    NdjsonSplitter exact = new NdjsonSplitter(100, (data, wire) -> events.add(data));
    exact.feed(Buffer.buffer("z".repeat(100) + "\r\n"));
    assertEquals(List.of("z".repeat(100)), events, "the \\r does not count");
  }

  @Test
  void pause_holds_the_rest_of_the_read_until_resume() {
    List<String> events = new ArrayList<>();
    NdjsonSplitter[] splitter = new NdjsonSplitter[1];
    splitter[0] = new NdjsonSplitter(1000, (data, wire) -> {
      events.add(data);
      splitter[0].pause();
    });
    splitter[0].feed(Buffer.buffer(STREAM));
    assertEquals(1, events.size());
    assertTrue(splitter[0].paused());
    splitter[0].resume();
    assertEquals(2, events.size());
    splitter[0].resume();
    splitter[0].resume();
    assertEquals(LINES, events);
  }
}
