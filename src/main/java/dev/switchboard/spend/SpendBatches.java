package dev.switchboard.spend;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Writes one batch of spend rows to Postgres for the spend writer, on a connection it can throw
 * away, and sets aside a row Postgres refuses for its content so it holds up no other. Used from
 * the spend writer's context only.
 */
final class SpendBatches {

  /**
   * One batch's transaction may take this long: a connection lost mid-transaction can leave its
   * future uncompleted (vertx-sql-client#1364), which would otherwise stop the writer for good.
   */
  static final long BATCH_TIMEOUT_MS = 15_000;

  private final Pool shared;
  private final Supplier<Pool> ownPools;
  private final boolean deleteReservations;
  private final SpendDeadLetters deadLetters;
  /** The writer's own connection, thrown away after any failure so a lost one is never waited on again. */
  private Pool own;

  /**
   * @param shared   the gateway's pool, used when {@code ownPools} is null
   * @param ownPools fresh pools for the writer alone
   */
  SpendBatches(Pool shared, Supplier<Pool> ownPools, boolean deleteReservations, SpendDeadLetters deadLetters) {
    this.shared = shared;
    this.ownPools = ownPools;
    this.deleteReservations = deleteReservations;
    this.deadLetters = deadLetters;
  }

  /**
   * A batch refused for its content is halved until the refused row is alone, so it holds up no other.
   *
   * @return how many rows were new in Postgres
   */
  Future<Integer> write(List<SpendRow> batch) {
    return transaction(batch).recover(failure -> {
      if (!SpendDeadLetters.refusedForContent(failure)) {
        return Future.failedFuture(failure);
      }
      if (batch.size() == 1) {
        return setAside(batch.get(0), failure);
      }
      int half = batch.size() / 2;
      return write(batch.subList(0, half))
          .compose(first -> write(batch.subList(half, batch.size())).map(second -> first + second));
    });
  }

  /** The refused row goes to the dead-letter file; its cost still counts through the row without its detail. */
  private Future<Integer> setAside(SpendRow row, Throwable refusal) {
    return transaction(List.of(row.withoutDetail())).transform(done -> {
      if (done.failed() && !SpendDeadLetters.refusedForContent(done.cause())) {
        return Future.failedFuture(done.cause());
      }
      deadLetters.add(row, refusal, done.succeeded());
      return Future.succeededFuture(done.succeeded() ? done.result() : 0);
    });
  }

  private Future<Integer> transaction(List<SpendRow> batch) {
    return pool().withTransaction(tx -> SpendSql.write(tx, batch, deleteReservations))
        .timeout(BATCH_TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }

  private Pool pool() {
    if (ownPools == null) {
      return shared;
    }
    if (own == null) {
      own = ownPools.get();
    }
    return own;
  }

  /**
   * After a failure the next attempt connects afresh: a connection lost mid-transaction can leave
   * its future uncompleted and its slot taken for good (vertx-sql-client#1364).
   */
  void reconnect() {
    if (own != null) {
      own.close();
      own = null;
    }
  }

  /** Rows set aside since start. */
  long setAside() {
    return deadLetters.count();
  }

  Future<Void> close() {
    Pool closing = own;
    own = null;
    return closing == null ? Future.succeededFuture() : closing.close();
  }
}
