package dev.switchboard.files;

import dev.switchboard.model.Deployment;
import dev.switchboard.model.Price;
import dev.switchboard.model.Principal;
import dev.switchboard.model.Usage;
import dev.switchboard.routing.LiveModels;
import dev.switchboard.spend.SpendEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.RecordParser;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Records a batch's spend once it completes: every poll reads (at most {@link #MAX_PER_POLL}) batches
 * whose spend is not yet recorded from the store, asks each one's deployment for it, and for a
 * {@code completed} one reads its output file line by line (never whole) and writes one spend row
 * for the batch, as LiteLLM's batch cost poller does: call type {@code aretrieve_batch}, request id
 * {@code <batch id>_batch_cost}, priced at half the model's token prices (LiteLLM's rule when the
 * price table has no batch prices). A batch that failed, expired or was cancelled is recorded with
 * no row. Runs in its own worker verticle ({@link BatchSpendVerticle}), off the request event loops.
 */
public final class BatchSpendPoller {

  private static final Logger LOG = Logger.getLogger(BatchSpendPoller.class.getName());
  /** LiteLLM's call type for the batch cost row. */
  public static final String CALL_TYPE = "aretrieve_batch";
  static final int MAX_PER_POLL = 50;
  /** One output line (one request's answer) at most. */
  private static final int MAX_LINE_BYTES = 16 * 1024 * 1024;
  private static final Set<String> ENDED_WITHOUT_OUTPUT = Set.of("failed", "expired", "cancelled");

  private final FileStore store;
  private final FilesUpstream upstream;
  private final Supplier<LiveModels.Snapshot> models;
  private final Function<String, Future<Principal>> owners;
  private final Function<SpendEvent, Future<Void>> spend;
  private final Clock clock;

  /**
   * @param owners the principal a stored owner stands for (its key, or the master), for the spend row
   * @param spend  where the row goes (the SpendLog verticle)
   */
  public BatchSpendPoller(FileStore store, FilesUpstream upstream, Supplier<LiveModels.Snapshot> models,
      Function<String, Future<Principal>> owners, Function<SpendEvent, Future<Void>> spend, Clock clock) {
    this.store = store;
    this.upstream = upstream;
    this.models = models;
    this.owners = owners;
    this.spend = spend;
    this.clock = clock;
  }

  /** One pass over the unsettled batches, one at a time; how many were settled. Never fails. */
  public Future<Integer> pollOnce() {
    return store.unsettledBatches(MAX_PER_POLL).compose(batches -> next(batches, 0, 0))
        .recover(failure -> {
          LOG.log(Level.WARNING, "Batch spend poll failed: " + failure.getMessage());
          return Future.succeededFuture(0);
        });
  }

  private Future<Integer> next(List<Owned> batches, int index, int settled) {
    if (index >= batches.size()) {
      return Future.succeededFuture(settled);
    }
    return check(batches.get(index)).recover(failure -> {
      LOG.log(Level.WARNING, "Batch " + batches.get(index).id() + ": spend not read yet: " + failure.getMessage());
      return Future.succeededFuture(false);
    }).compose(done -> next(batches, index + 1, done ? settled + 1 : settled));
  }

  private Future<Boolean> check(Owned batch) {
    LiveModels.Snapshot snapshot = models.get();
    Deployment deployment = snapshot.registry().deployments().stream()
        .filter(d -> d.id().equals(batch.deploymentId())).findFirst().orElse(null);
    if (deployment == null) {
      return Future.succeededFuture(false); // its deployment left the config; it may come back
    }
    return upstream.json(deployment, HttpMethod.GET, "/batches", "/" + batch.id(), null, null, null)
        .compose(latest -> adopt(batch.withObject(latest)).map(latest))
        .compose(latest -> {
          String status = latest.getString("status");
          if (ENDED_WITHOUT_OUTPUT.contains(status)) {
            return store.settled(batch.id()).map(true);
          }
          if (!"completed".equals(status)) {
            return Future.succeededFuture(false);
          }
          String output = latest.getValue("output_file_id") instanceof String id ? id : null;
          Future<BatchUsage> usage = output == null ? Future.succeededFuture(new BatchUsage())
              : readUsage(deployment, output);
          return usage.compose(read -> record(batch, deployment, snapshot.price(deployment), read, latest))
              .compose(v -> store.settled(batch.id())).map(true);
        });
  }

  /** Saves the batch's latest state and makes its output files its owner's. */
  private Future<Void> adopt(Owned latest) {
    Future<Void> saved = store.save(latest);
    for (Owned file : latest.outputFiles()) {
      saved = saved.compose(v -> store.adopt(file));
    }
    return saved;
  }

  /** The output file, line by line as it arrives. */
  private Future<BatchUsage> readUsage(Deployment deployment, String fileId) {
    return upstream.send(deployment, HttpMethod.GET, "/files", "/" + fileId + "/content", null, null, null)
        .compose(response -> {
          if (response.statusCode() != 200) {
            return response.body().compose(body -> Future.failedFuture(
                FilesUpstream.refusal(deployment, response.statusCode(), FilesUpstream.objectOrNull(body))));
          }
          BatchUsage usage = new BatchUsage();
          Promise<BatchUsage> read = Promise.promise();
          RecordParser lines = RecordParser.newDelimited("\n", response).maxRecordSize(MAX_LINE_BYTES);
          lines.exceptionHandler(read::tryFail);
          lines.endHandler(end -> read.tryComplete(usage));
          lines.handler(usage::line);
          return read.future();
        });
  }

  private Future<Void> record(Owned batch, Deployment deployment, Price price, BatchUsage read, JsonObject latest) {
    Price half = new Price(price.input() / 2, price.output() / 2, price.cachedInput() / 2, price.maxInput(),
        price.maxOutput(), price.known());
    Usage usage = read.usage();
    JsonObject metadata = new JsonObject().put("batch_id", batch.id())
        .put("batch_successful_requests", read.succeeded()).put("batch_failed_requests", read.failed())
        .put("batch_models", new io.vertx.core.json.JsonArray().add(deployment.upstreamModel()));
    long now = clock.millis();
    return owners.apply(batch.owner()).compose(principal -> spend.apply(new SpendEvent(batch.id() + "_batch_cost",
        batch.model(), deployment, half, principal, null, usage, false, 200, null, now, 0, 0, 0, List.of(), null,
        CALL_TYPE, null, metadata)));
  }
}
