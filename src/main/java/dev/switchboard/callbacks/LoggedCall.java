package dev.switchboard.callbacks;

import dev.switchboard.spend.SpendEvent;
import dev.switchboard.spend.SpendRow;
import io.vertx.core.json.JsonObject;

/**
 * One request waiting in the sinks' queues: only references on the request's thread; its payload
 * is built the first time a sink needs it (on that sink's thread) and shared by the others, which
 * only read it.
 */
final class LoggedCall {

  final SpendEvent event;
  final SpendRow row;
  final boolean failed;
  final long bytes;
  private final boolean messageLoggingOff;
  private volatile JsonObject payload;

  LoggedCall(SpendEvent event, SpendRow row, boolean messageLoggingOff) {
    this.event = event;
    this.row = row;
    this.failed = event.errorType() != null || event.status() >= 400;
    this.messageLoggingOff = messageLoggingOff;
    // Without message logging the content is never read: it does not count against the bound.
    this.bytes = 2048 + (messageLoggingOff || event.content() == null ? 0 : event.content().bytes());
  }

  JsonObject payload() {
    JsonObject built = payload;
    if (built == null) {
      synchronized (this) {
        built = payload;
        if (built == null) {
          built = LoggingPayload.of(event, row, messageLoggingOff);
          payload = built;
        }
      }
    }
    return built;
  }
}
