package dev.switchboard.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {

  private static List<String> parse(String stream, int max) {
    List<String> events = new ArrayList<>();
    SseParser parser = new SseParser(max, (data, wire) -> events.add(data));
    parser.feed(Buffer.buffer(stream));
    parser.end();
    return events;
  }

  @Test
  void lf_and_crlf_line_ends_give_the_same_events() {
    List<String> expected = List.of("{\"a\":1}", "{\"b\":2}", "[DONE]");
    assertEquals(expected, parse("data: {\"a\":1}\n\ndata: {\"b\":2}\n\ndata: [DONE]\n\n", 1000));
    assertEquals(expected, parse("data: {\"a\":1}\r\n\r\ndata: {\"b\":2}\r\n\r\ndata: [DONE]\r\n\r\n", 1000));
  }

  @Test
  void multi_line_data_is_joined_and_comments_and_other_fields_skipped() {
    assertEquals(List.of("line1\nline2", "x"),
        parse(": keep-alive\nevent: message\nid: 7\ndata: line1\ndata:line2\n\nretry: 10\ndata: x\n\n", 1000));
  }

  @Test
  void an_event_cut_off_by_the_end_of_the_stream_is_dropped_as_the_standard_says() {
    assertEquals(List.of("whole"), parse("data: whole\n\ndata: cut", 1000));
    assertEquals(List.of("whole"), parse("data: whole\n\ndata: cut\n", 1000));
  }

  @Test
  void split_reads_do_not_split_events() {
    List<String> events = new ArrayList<>();
    SseParser parser = new SseParser(1000, (data, wire) -> events.add(data));
    for (String piece : new String[] {"da", "ta: hel", "lo\r", "\n", "\r\ndata: [DO", "NE]\n\n"}) {
      parser.feed(Buffer.buffer(piece));
    }
    assertEquals(List.of("hello", "[DONE]"), events);
  }

  @Test
  void an_event_past_the_bound_is_refused() {
    assertThrows(SseParser.EventTooLargeException.class, () -> parse("data: " + "x".repeat(50) + "\ndata: " + "y".repeat(60) + "\n\n", 100));
  }

  @Test
  void a_line_past_the_bound_is_refused_before_it_ends() {
    SseParser parser = new SseParser(100, (data, wire) -> { });
    parser.feed(Buffer.buffer("data: " + "x".repeat(90)));
    assertThrows(SseParser.EventTooLargeException.class, () -> parser.feed(Buffer.buffer("y".repeat(20))));
  }

  @Test
  void an_event_as_framed_for_clients_comes_with_its_own_bytes_and_any_other_without() {
    List<String> wires = new ArrayList<>();
    SseParser parser = new SseParser(1000, (data, wire) -> wires.add(wire == null ? null : wire.toString()));
    parser.feed(Buffer.buffer("data: {\"a\":1}\n\ndata:{\"b\":2}\n\ndata: {\"c\":3}\r\n\r\n: ping\ndata: x\n\n"
        + "data: l1\ndata: l2\n\nid: 1\ndata: y\n\ndata: z\n: note\n\ndata: cut"));
    parser.feed(Buffer.buffer("\n\n"));
    java.util.Arrays.asList("data: {\"a\":1}\n\n", null, null, "data: x\n\n", null, "data: y\n\n", null, null)
        .forEach(expected -> assertEquals(expected, wires.remove(0)));
  }

  @Test
  void a_paused_parser_keeps_the_rest_of_the_read_until_resumed() {
    List<String> events = new ArrayList<>();
    SseParser[] parser = new SseParser[1];
    parser[0] = new SseParser(1000, (data, wire) -> {
      events.add(data);
      parser[0].pause();
    });
    parser[0].feed(Buffer.buffer("data: 1\n\ndata: 2\n\ndata: 3\n"));
    assertEquals(List.of("1"), events);
    parser[0].resume();
    assertEquals(List.of("1", "2"), events);
    parser[0].resume();
    parser[0].feed(Buffer.buffer("\n"));
    assertEquals(List.of("1", "2", "3"), events);
  }
}
