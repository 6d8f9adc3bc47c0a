package dev.switchboard.cache.semantic;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * Where a semantic cache keeps prompt embeddings and their answers. Entries are searched only within
 * one partition (the tenant's scope, the model group and every body field but the prompt), so two
 * tenants or two temperatures never share an answer. Every call may fail (a store that is down).
 */
public interface SemanticStore {

  /** The most similar live entry of the partition whose cosine similarity is at least {@code threshold}, or a null result. */
  Future<Match> nearest(String partition, float[] vector, double threshold);

  Future<Void> put(String partition, float[] vector, String prompt, Answer entry, long ttlMillis);

  Future<Void> flush();

  Future<Void> ping();

  default Future<Void> close() {
    return Future.succeededFuture();
  }

  /** A cached answer and how similar its prompt was (cosine, -1..1). */
  record Match(Answer entry, double similarity) {
  }

  /** An answer's JSON body as the client got it, and when it was stored (for {@code s-maxage}). */
  record Answer(Buffer body, long storedAtMillis) {
  }
}
