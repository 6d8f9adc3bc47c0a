package dev.switchboard.model;

import io.vertx.core.buffer.Buffer;

/** A provider's non-streaming answer, already in OpenAI's shape, and its usage. */
public record Answer(Buffer body, Usage usage) {
}
