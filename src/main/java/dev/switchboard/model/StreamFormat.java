package dev.switchboard.model;

/**
 * How a provider frames its stream, so the relay knows where one event ends: server-sent events
 * (OpenAI, Anthropic, Gemini), newline-delimited JSON (Ollama) or AWS's binary event-stream
 * (Bedrock), whose frames reach the translator as {@code {"<event type>":<payload>}}.
 */
public enum StreamFormat {
  SSE,
  NDJSON,
  EVENT_STREAM
}
