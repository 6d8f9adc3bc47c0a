package dev.switchboard.livetail;

import dev.switchboard.bus.Addresses;
import dev.switchboard.bus.Bus;
import dev.switchboard.spend.SpendEvent;
import dev.switchboard.spend.SpendListener;
import dev.switchboard.spend.SpendRow;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live tail of finished requests ({@code GET /spend/logs/tail}): told of each spend row by the
 * accounting stage, it publishes the row, stripped to what an operator reads (no key, hash, content or
 * client metadata), as one SSE frame on {@link Addresses#SPEND_TAIL}, and only while someone listens.
 * One per gateway: it counts the open tails (at most {@code maxTails}) and the frames slow ones missed.
 */
public final class LiveTail implements SpendListener {

  /** A gateway's defaults: a handful of admins watching, each with a quarter MiB in flight at most. */
  public static final int MAX_TAILS = 8;
  public static final int QUEUE_BYTES = 256 * 1024;
  public static final long HEARTBEAT_MS = 15_000;

  private final Bus bus;
  private final int maxTails;
  private final int queueBytes;
  private final long heartbeatMs;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong sent = new AtomicLong();

  public LiveTail(Bus bus) {
    this(bus, MAX_TAILS, QUEUE_BYTES, HEARTBEAT_MS);
  }

  public LiveTail(Bus bus, int maxTails, int queueBytes, long heartbeatMs) {
    this.bus = bus;
    this.maxTails = maxTails;
    this.queueBytes = queueBytes;
    this.heartbeatMs = heartbeatMs;
  }

  @Override
  public void recorded(SpendEvent event, SpendRow row) {
    if (open.get() > 0) {
      bus.publish(Addresses.SPEND_TAIL, "event: request\ndata: " + frame(row).encode() + "\n\n");
    }
  }

  /** What one finished request shows: LiteLLM's spend-log field names where it has them. */
  static JsonObject frame(SpendRow row) {
    boolean failed = row.status() >= 400;
    return new JsonObject().put("request_id", row.requestId())
        .put("startTime", Instant.ofEpochMilli(row.startMillis()).toString())
        .put("endTime", Instant.ofEpochMilli(row.endMillis()).toString())
        .put("model_group", row.modelGroup()).put("model", row.model()).put("model_id", row.modelId())
        .put("custom_llm_provider", row.provider()).put("call_type", row.callType())
        .put("key_alias", row.keyAlias()).put("user", row.userId()).put("team_id", row.teamId())
        .put("end_user", row.endUser())
        .put("status", failed ? "failure" : "success").put("status_code", row.status())
        .put("error_type", row.errorType()).put("stream", row.stream())
        .put("prompt_tokens", row.promptTokens()).put("completion_tokens", row.completionTokens())
        .put("total_tokens", row.totalTokens()).put("spend", row.spend())
        .put("request_duration_ms", row.endMillis() - row.startMillis()).put("ttft_ms", row.ttftMs());
  }

  /** One more tail, unless {@code maxTails} are open. */
  boolean open() {
    int now;
    do {
      now = open.get();
      if (now >= maxTails) {
        return false;
      }
    } while (!open.compareAndSet(now, now + 1));
    return true;
  }

  void closed() {
    open.decrementAndGet();
  }

  void missed() {
    dropped.incrementAndGet();
  }

  void sent() {
    sent.incrementAndGet();
  }

  /** Frames written to tails' clients, over the gateway's life. */
  public long sentFrames() {
    return sent.get();
  }

  /** Tails open now. */
  public int tails() {
    return open.get();
  }

  /** Frames not sent, over the gateway's life, because a tail's client read too slowly. */
  public long dropped() {
    return dropped.get();
  }

  int maxTails() {
    return maxTails;
  }

  int queueBytes() {
    return queueBytes;
  }

  long heartbeatMs() {
    return heartbeatMs;
  }
}
