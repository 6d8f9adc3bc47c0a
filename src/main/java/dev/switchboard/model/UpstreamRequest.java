package dev.switchboard.model;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/** A provider call ready to send. {@code asksForUsage}: the gateway added a usage request to a stream. */
public record UpstreamRequest(String url, MultiMap headers, Buffer body, boolean asksForUsage) {

  @Override
  public String toString() {
    return "UpstreamRequest[" + url + "]";
  }
}
