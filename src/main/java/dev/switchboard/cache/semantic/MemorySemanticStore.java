package dev.switchboard.cache.semantic;

import io.vertx.core.Future;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.function.LongSupplier;

/**
 * An in-process semantic store: exact cosine search over at most {@code maxEntries} entries (the
 * oldest go first), each with its own expiry. LiteLLM has no in-memory semantic type; this is the
 * fallback of {@code redis-semantic} when the Redis has no RediSearch. Per node; thread-safe.
 */
final class MemorySemanticStore implements SemanticStore {

  private record Held(String partition, float[] vector, SemanticStore.Answer entry, long expiresAtMillis) {
  }

  private final int maxEntries;
  private final LongSupplier clockMillis;
  private final Deque<Held> entries = new ArrayDeque<>();

  MemorySemanticStore(int maxEntries, LongSupplier clockMillis) {
    this.maxEntries = Math.max(1, maxEntries);
    this.clockMillis = clockMillis;
  }

  @Override
  public synchronized Future<Match> nearest(String partition, float[] vector, double threshold) {
    long now = clockMillis.getAsLong();
    Match best = null;
    for (Iterator<Held> it = entries.iterator(); it.hasNext();) {
      Held held = it.next();
      if (held.expiresAtMillis <= now) {
        it.remove();
        continue;
      }
      if (!held.partition.equals(partition)) {
        continue;
      }
      double similarity = Vectors.cosine(vector, held.vector);
      if (similarity >= threshold && (best == null || similarity > best.similarity())) {
        best = new Match(held.entry, similarity);
      }
    }
    return Future.succeededFuture(best);
  }

  @Override
  public synchronized Future<Void> put(String partition, float[] vector, String prompt, SemanticStore.Answer entry,
      long ttlMillis) {
    entries.addLast(new Held(partition, vector.clone(), entry, clockMillis.getAsLong() + Math.max(1, ttlMillis)));
    while (entries.size() > maxEntries) {
      entries.removeFirst();
    }
    return Future.succeededFuture();
  }

  synchronized int size() {
    return entries.size();
  }

  @Override
  public synchronized Future<Void> flush() {
    entries.clear();
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> ping() {
    return Future.succeededFuture();
  }
}
