package dev.switchboard.cache.semantic;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code type: redis-semantic} on a Redis with the RediSearch module (Redis Stack, Redis 8): a
 * vector index made on first use with the embedding's size, entries as hashes with Redis's own
 * expiry, KNN search within the partition. Spoken over RESP2 (FT.SEARCH's array answer).
 */
final class RedisSemanticStore implements SemanticStore {

  private static final long CALL_TIMEOUT_MS = 1000;

  private final Redis client;
  private final String index;
  private final AtomicReference<Future<Void>> ready = new AtomicReference<>();

  RedisSemanticStore(Redis client, String index) {
    this.client = client;
    this.index = index;
  }

  private Future<Response> send(Request request) {
    return client.send(request).timeout(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }

  @Override
  public Future<Match> nearest(String partition, float[] vector, double threshold) {
    return index(vector.length)
        .compose(v -> send(RediSearchCommands.request(Command.FT_SEARCH,
            RediSearchCommands.search(index, tag(partition), vector))))
        .map(answer -> {
          // RESP2: [total, key, [field, value, ...], ...]
          if (answer == null || answer.size() < 3) {
            return null;
          }
          Response fields = answer.get(2);
          String distance = null;
          String body = null;
          long storedAt = 0;
          for (int i = 0; i + 1 < fields.size(); i += 2) {
            String name = fields.get(i).toString();
            String value = fields.get(i + 1).toString();
            switch (name) {
              case "distance" -> distance = value;
              case "response" -> body = value;
              case "stored_at" -> storedAt = Long.parseLong(value);
              default -> { }
            }
          }
          if (distance == null || body == null) {
            return null;
          }
          double similarity = 1 - Double.parseDouble(distance);
          return similarity >= threshold ? new Match(new SemanticStore.Answer(Buffer.buffer(body), storedAt), similarity) : null;
        });
  }

  @Override
  public Future<Void> put(String partition, float[] vector, String prompt, SemanticStore.Answer entry, long ttlMillis) {
    String key = RediSearchCommands.keyPrefix(index) + UUID.randomUUID();
    return index(vector.length)
        .compose(v -> client.batch(List.of(
            RediSearchCommands.request(Command.HSET, RediSearchCommands.hset(key, tag(partition), vector, prompt,
                entry.body().toString(), entry.storedAtMillis())),
            Request.cmd(Command.PEXPIRE).arg(key).arg(Math.max(1, ttlMillis))))
            .timeout(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS))
        .mapEmpty();
  }

  /** Drops the index with its entries ({@code DD}); the next write makes it again. */
  @Override
  public Future<Void> flush() {
    return send(Request.cmd(Command.FT_DROPINDEX).arg(index).arg("DD"))
        .recover(failure -> unknownIndex(failure) ? Future.succeededFuture() : Future.failedFuture(failure))
        .onComplete(done -> ready.set(null))
        .mapEmpty();
  }

  @Override
  public Future<Void> ping() {
    return send(Request.cmd(Command.PING)).mapEmpty();
  }

  @Override
  public Future<Void> close() {
    return client.close();
  }

  /** The index, made once ("Index already exists" counts as made); a failure is forgotten for the next call. */
  private Future<Void> index(int dim) {
    Future<Void> current = ready.get();
    if (current != null) {
      return current;
    }
    Future<Void> made = send(RediSearchCommands.request(Command.FT_CREATE, RediSearchCommands.create(index, dim)))
        .<Void>mapEmpty()
        .recover(failure -> String.valueOf(failure.getMessage()).toLowerCase().contains("already exists")
            ? Future.succeededFuture() : Future.failedFuture(failure));
    if (!ready.compareAndSet(null, made)) {
      return ready.get();
    }
    return made.onFailure(failure -> ready.compareAndSet(made, null));
  }

  private static boolean unknownIndex(Throwable failure) {
    String message = String.valueOf(failure.getMessage()).toLowerCase();
    return message.contains("unknown index") || message.contains("no such index");
  }

  /** The partition as a TAG value: hex, so no character needs RediSearch's escaping. */
  static String tag(String partition) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(partition.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether a failure of {@code FT._LIST} says the server has no RediSearch. */
  static boolean noModule(Throwable failure) {
    String message = String.valueOf(failure.getMessage()).toLowerCase();
    return message.contains("unknown command") || message.contains("err unknown");
  }
}
