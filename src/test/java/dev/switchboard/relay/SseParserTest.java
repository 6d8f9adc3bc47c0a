package dev.switchboard.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.parsetools.RecordParser;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {

  private static List<String> parse(String stream, int max) {
    List<String> events = new ArrayList<>();
    SseParser parser = new SseParser(max, events::add);
    RecordParser lines = RecordParser.newDelimited("\n", parser::line);
    lines.handle(Buffer.buffer(stream));
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
    SseParser parser = new SseParser(1000, events::add);
    RecordParser lines = RecordParser.newDelimited("\n", parser::line);
    for (String piece : new String[] {"da", "ta: hel", "lo\r", "\n", "\r\ndata: [DO", "NE]\n\n"}) {
      lines.handle(Buffer.buffer(piece));
    }
    assertEquals(List.of("hello", "[DONE]"), events);
  }

  @Test
  void an_event_past_the_bound_is_refused() {
    assertThrows(SseParser.EventTooLargeException.class, () -> parse("data: " + "x".repeat(50) + "\ndata: " + "y".repeat(60) + "\n\n", 100));
  }
}
