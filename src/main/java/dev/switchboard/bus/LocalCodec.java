package dev.switchboard.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Passes a message object by reference between verticles of one JVM: no copy, no JSON. Messages
 * are immutable records (or objects owned by the request), so sharing them is safe. A message
 * that would leave the node fails loudly instead of being silently serialised.
 */
public final class LocalCodec<T> implements MessageCodec<T, T> {

  private final String name;

  public LocalCodec(Class<T> type) {
    this.name = "local:" + type.getName();
  }

  @Override
  public void encodeToWire(Buffer buffer, T message) {
    throw new IllegalStateException(name + " messages are local to one gateway node and cannot be sent over the wire");
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    throw new IllegalStateException(name + " messages are local to one gateway node and cannot be read from the wire");
  }

  @Override
  public T transform(T message) {
    return message;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
