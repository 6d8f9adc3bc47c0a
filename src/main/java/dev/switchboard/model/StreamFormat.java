package dev.switchboard.model;

/**
 * How a provider frames its stream, so the relay knows where one event ends: server-sent events
 * (OpenAI, Anthropic, Gemini) or newline-delimited JSON (Ollama). Binary framings (AWS
 * event-stream) join here as they come.
 */
public enum StreamFormat {
  SSE,
  NDJSON
}
