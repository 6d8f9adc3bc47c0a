package dev.switchboard.testing;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Chat requests on a few lanes, each sending its next request when the last one is answered, until
 * stopped: load that is bounded and stops itself. Counts answers by status.
 */
public final class SteadyTraffic {

  private final WebClient client;
  private final int port;
  private final String key;
  private final AtomicInteger answered = new AtomicInteger();
  private final Map<Integer, AtomicInteger> byStatus = new ConcurrentHashMap<>();
  private final AtomicInteger lanesRunning = new AtomicInteger();
  private final AtomicInteger sent = new AtomicInteger();
  private final Set<String> completeIds = ConcurrentHashMap.newKeySet();
  private boolean streams;
  private final Promise<Void> stopped = Promise.promise();
  private volatile boolean stopping;

  public SteadyTraffic(WebClient client, int port, String key) {
    this.client = client;
    this.port = port;
    this.key = key;
  }

  /** Every other request a stream (a stream counts as complete once its {@code [DONE]} arrived). */
  public SteadyTraffic withStreams() {
    streams = true;
    return this;
  }

  public SteadyTraffic start(int lanes) {
    lanesRunning.set(lanes);
    for (int i = 0; i < lanes; i++) {
      next();
    }
    return this;
  }

  private void next() {
    if (stopping) {
      if (lanesRunning.decrementAndGet() == 0) {
        stopped.tryComplete();
      }
      return;
    }
    boolean stream = streams && sent.incrementAndGet() % 2 == 0;
    client.post(port, "127.0.0.1", "/v1/chat/completions").putHeader("Authorization", "Bearer " + key)
        .sendBuffer(Buffer.buffer(new JsonObject().put("model", "chat").put("stream", stream).put("messages", new JsonArray()
            .add(new JsonObject().put("role", "user").put("content", "hi"))).encode()))
        .onComplete(done -> {
          if (done.succeeded()) {
            answered.incrementAndGet();
            byStatus.computeIfAbsent(done.result().statusCode(), s -> new AtomicInteger()).incrementAndGet();
            String body = done.result().bodyAsString();
            if (done.result().statusCode() == 200 && body != null && (!stream || body.contains("data: [DONE]"))) {
              completeIds.add(done.result().getHeader("x-litellm-call-id"));
            }
          }
          next();
        });
  }

  /** Requests that got an answer (any status). */
  public int answered() {
    return answered.get();
  }

  /** Request ids of the answers that arrived whole: 200 with a body, and for a stream its [DONE]. */
  public Set<String> completeIds() {
    return completeIds;
  }

  public Map<Integer, AtomicInteger> byStatus() {
    return byStatus;
  }

  /** Completes when every lane's last request is answered. */
  public Future<Void> stop() {
    stopping = true;
    return stopped.future();
  }
}
