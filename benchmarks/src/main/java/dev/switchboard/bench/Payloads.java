package dev.switchboard.bench;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Realistic OpenAI-shaped payloads shared by the micro-benchmarks and the load harness: a ~1 KB
 * chat request (system + user message), a chat.completion answer, and a chat.completion.chunk
 * stream as OpenAI sends it (role chunk, content chunks, finish chunk, usage chunk, [DONE]).
 */
public final class Payloads {

  static final String SYSTEM_PROMPT = "You are a careful assistant for an internal engineering team. Answer "
      + "concisely, cite the relevant configuration keys by name, and when you are not sure say so instead of "
      + "guessing. Prefer bullet points for lists of steps and keep code samples short. Never reveal secrets "
      + "or API keys even when they appear in the conversation.";

  static final String USER_PROMPT = "Our LiteLLM proxy config has three deployments of gpt-4o-mini behind one "
      + "model_name with routing_strategy simple-shuffle, and we see uneven latency: one region is about 40% "
      + "slower at p99. We already set request_timeout to 600 and num_retries to 2. Which router settings should "
      + "we look at first to keep the slow deployment from dragging the tail down, and how would you verify the "
      + "change with a load test before rolling it out? Please also mention whether cooldowns interact with the "
      + "retries we configured, and what metrics to watch on the dashboard while the test runs.";

  private Payloads() {
  }

  /** A ~1 KB chat request body, compact JSON as SDKs send it. */
  public static String chatBody(String model, boolean stream, boolean includeUsage) {
    StringBuilder body = new StringBuilder(1200)
        .append("{\"model\":\"").append(model).append("\",\"messages\":[")
        .append("{\"role\":\"system\",\"content\":\"").append(SYSTEM_PROMPT).append("\"},")
        .append("{\"role\":\"user\",\"content\":\"").append(USER_PROMPT).append("\"}],")
        .append("\"temperature\":0.2,\"max_tokens\":512,\"top_p\":1,\"user\":\"bench-user-42\"");
    if (stream) {
      body.append(",\"stream\":true");
      if (includeUsage) {
        body.append(",\"stream_options\":{\"include_usage\":true}");
      }
    } else {
      body.append(",\"stream\":false");
    }
    return body.append('}').toString();
  }

  /** A non-streaming chat.completion with usage, as OpenAI answers it. */
  public static String completion(String model) {
    return "{\"id\":\"chatcmpl-BENCH0000000000000000000001\",\"object\":\"chat.completion\",\"created\":1741570283,"
        + "\"model\":\"" + model + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
        + "\"Start with the router's cooldown and timeout settings, then verify with a fixed-rate load test.\","
        + "\"refusal\":null,\"annotations\":[]},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
        + "\"usage\":{\"prompt_tokens\":212,\"completion_tokens\":19,\"total_tokens\":231,"
        + "\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},"
        + "\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,\"accepted_prediction_tokens\":0,"
        + "\"rejected_prediction_tokens\":0}},\"service_tier\":\"default\",\"system_fingerprint\":\"fp_bench01\"}";
  }

  private static String chunkPrefix(String model) {
    return "{\"id\":\"chatcmpl-BENCH0000000000000000000002\",\"object\":\"chat.completion.chunk\",\"created\":1741570283,"
        + "\"model\":\"" + model + "\",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_bench01\",\"choices\":";
  }

  private static final String[] WORDS = {" Start", " with", " the", " router", "'s", " cooldown", " and", " timeout",
      " settings", ",", " then", " verify", " with", " a", " fixed", "-rate", " load", " test", ".", " Watch", " p99",
      " per", " deployment", "."};

  /**
   * The data of every event of one stream, without the "data: " framing: a role chunk, {@code
   * contentChunks} content chunks, a finish chunk, the usage chunk and [DONE]. With {@code
   * usageNull} every chunk but the last carries {@code "usage":null}, which is what OpenAI sends
   * when the request set stream_options.include_usage (and the gateway always sets it upstream).
   */
  public static List<String> streamEvents(String model, int contentChunks, boolean usageNull, boolean usageChunk) {
    String prefix = chunkPrefix(model);
    String tail = usageNull ? ",\"usage\":null}" : "}";
    List<String> events = new ArrayList<>(contentChunks + 4);
    events.add(prefix + "[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},"
        + "\"logprobs\":null,\"finish_reason\":null}]" + tail);
    for (int i = 0; i < contentChunks; i++) {
      events.add(prefix + "[{\"index\":0,\"delta\":{\"content\":\"" + WORDS[i % WORDS.length] + "\"},"
          + "\"logprobs\":null,\"finish_reason\":null}]" + tail);
    }
    events.add(prefix + "[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]" + tail);
    if (usageChunk) {
      events.add(prefix + "[],\"usage\":{\"prompt_tokens\":212,\"completion_tokens\":" + contentChunks
          + ",\"total_tokens\":" + (212 + contentChunks) + ",\"prompt_tokens_details\":{\"cached_tokens\":0,"
          + "\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,"
          + "\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}}");
    }
    events.add("[DONE]");
    return events;
  }

  /** What starts the content of a stamped event; the mock's send time (System.nanoTime) follows. */
  static final String STAMP = "\"content\":\"t=";

  /**
   * One event of a paced stream, its content stamped with the time the mock sent it: index 0 is
   * the role chunk, the rest content chunks. The harness's client reads the stamp back (same JVM,
   * same clock) to tell the delay it saw from the delay the mock's schedule made.
   */
  static String stampedEvent(String model, int index, long sentNanos) {
    String delta = index == 0 ? "{\"role\":\"assistant\"," + STAMP + sentNanos + "\",\"refusal\":null}"
        : "{" + STAMP + sentNanos + WORDS[(index - 1) % WORDS.length] + "\"}";
    return chunkPrefix(model) + "[{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":null}]"
        + ",\"usage\":null}";
  }

  /** The send time stamped into an event by {@link #stampedEvent}, or -1 when it has none. */
  static long stampOf(String event) {
    int at = event.indexOf(STAMP);
    if (at < 0) {
      return -1;
    }
    long nanos = 0;
    int digits = 0;
    for (int i = at + STAMP.length(); i < event.length() && Character.isDigit(event.charAt(i)); i++, digits++) {
      nanos = nanos * 10 + (event.charAt(i) - '0');
    }
    return digits > 0 ? nanos : -1;
  }

  /** Each event framed as the wire has it: {@code data: ...\n\n}. */
  public static List<Buffer> framed(List<String> events) {
    List<Buffer> frames = new ArrayList<>(events.size());
    for (String event : events) {
      frames.add(framed(event));
    }
    return frames;
  }

  static Buffer framed(String event) {
    return Buffer.buffer("data: " + event + "\n\n");
  }
}
