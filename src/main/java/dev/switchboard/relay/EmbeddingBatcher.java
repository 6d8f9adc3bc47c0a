package dev.switchboard.relay;

import dev.switchboard.model.RelayResult;
import dev.switchboard.model.RelayCall;
import dev.switchboard.config.BatchSettings;
import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.CallBody;
import dev.switchboard.model.Usage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Merges concurrent embedding requests to one deployment into one upstream call with an
 * {@code input} array, then gives each caller its own embeddings and its share of the usage. Only
 * requests that differ in nothing but their input share a batch. One per relay instance, used on
 * its event loop only, so it needs no locking.
 */
final class EmbeddingBatcher {

  private final Vertx vertx;
  private final Function<RelayCall, Future<RelayResult>> upstream;
  private final Map<String, Batch> open = new HashMap<>();

  /** @param upstream sends one (merged) call to the provider */
  EmbeddingBatcher(Vertx vertx, Function<RelayCall, Future<RelayResult>> upstream) {
    this.vertx = vertx;
    this.upstream = upstream;
  }

  /** One caller's place in a batch. */
  private record Member(RelayCall call, List<Object> inputs, Promise<RelayResult> result) {
  }

  private final class Batch {
    final String key;
    final BatchSettings settings;
    final List<Member> members = new ArrayList<>();
    int inputs;
    long timer = -1;

    Batch(String key, BatchSettings settings) {
      this.key = key;
      this.settings = settings;
    }
  }

  Future<RelayResult> submit(RelayCall call) {
    BatchSettings settings = call.deployment().batch();
    List<Object> inputs = inputs(call.body().json().getValue("input"));
    if (inputs.size() >= settings.maxBatchSize()) {
      return upstream.apply(call);
    }
    String key = key(call);
    Batch batch = open.get(key);
    if (batch != null && batch.inputs + inputs.size() > settings.maxBatchSize()) {
      flush(batch);
      batch = null;
    }
    if (batch == null) {
      Batch created = new Batch(key, settings);
      created.timer = vertx.setTimer(Math.max(1, settings.batchTimeoutMs()), id -> flush(created));
      open.put(key, created);
      batch = created;
    }
    Member member = new Member(call, inputs, Promise.promise());
    batch.members.add(member);
    batch.inputs += inputs.size();
    if (batch.inputs >= settings.maxBatchSize()) {
      flush(batch);
    }
    return member.result().future();
  }

  private static List<Object> inputs(Object input) {
    if (input instanceof JsonArray list && !list.isEmpty() && !(list.getValue(0) instanceof Number)) {
      return list.getList();
    }
    return List.of(input instanceof JsonArray tokens ? tokens.getList() : input);
  }

  /** Requests batch together only when everything but their input is the same. */
  private static String key(RelayCall call) {
    JsonObject rest = new JsonObject(new LinkedHashMap<>(call.body().json().getMap()));
    rest.remove("input");
    return call.deployment().id() + '\n' + rest.encode();
  }

  private void flush(Batch batch) {
    if (open.get(batch.key) != batch) {
      return;
    }
    open.remove(batch.key);
    vertx.cancelTimer(batch.timer);
    if (batch.members.size() == 1) {
      Member only = batch.members.get(0);
      upstream.apply(only.call()).onComplete(only.result());
      return;
    }
    JsonArray merged = new JsonArray();
    batch.members.forEach(member -> member.inputs().forEach(merged::add));
    RelayCall first = batch.members.get(0).call();
    JsonObject body = new JsonObject(new LinkedHashMap<>(first.body().json().getMap())).put("input", merged);
    // No client response: one caller leaving must not cancel the call the others wait for.
    RelayCall call = new RelayCall(first.requestId(), first.operation(), first.deployment(), first.timeoutMs(),
        first.streamTimeoutMs(), new CallBody(body), false, false,
        null, null, first.clientHeaders(), first.startNanos(), null, null, false);
    upstream.apply(call).onComplete(
        answer -> split(batch, answer),
        failure -> batch.members.forEach(member -> member.result().fail(failure)));
  }

  /** Each caller gets the embeddings of its own inputs, re-indexed from 0, and its share of usage. */
  private static void split(Batch batch, RelayResult answer) {
    JsonObject whole;
    JsonArray data;
    try {
      whole = new JsonObject(answer.body());
      data = whole.getJsonArray("data");
      if (data == null || data.size() != batch.inputs) {
        throw new IllegalStateException();
      }
    } catch (RuntimeException unreadable) {
      GatewayError error = GatewayError.of(ErrorClass.API_CONNECTION, "upstream_invalid_response", "The provider's answer to a batch of embeddings does not have one embedding per input.");
      batch.members.forEach(member -> member.result().fail(error));
      return;
    }
    JsonObject[] byIndex = new JsonObject[data.size()];
    for (int i = 0; i < data.size(); i++) {
      JsonObject item = data.getJsonObject(i);
      byIndex[item.getInteger("index", i)] = item;
    }
    long[] shares = shares(batch, answer.usage().promptTokens());
    int offset = 0;
    for (int m = 0; m < batch.members.size(); m++) {
      Member member = batch.members.get(m);
      JsonArray own = new JsonArray();
      for (int i = 0; i < member.inputs().size(); i++) {
        own.add(byIndex[offset + i].copy().put("index", i));
      }
      offset += member.inputs().size();
      Usage usage = new Usage(shares[m], 0, shares[m], 0);
      JsonObject reply = whole.copy().put("data", own)
          .put("usage", new JsonObject().put("prompt_tokens", shares[m]).put("total_tokens", shares[m]));
      member.result().complete(new RelayResult(reply.toBuffer(), usage, answer.firstByteNanos(), null, false));
    }
  }

  /** The batch's prompt tokens split by each caller's input length, summing exactly to the total. */
  private static long[] shares(Batch batch, long total) {
    long[] weights = new long[batch.members.size()];
    long sum = 0;
    for (int m = 0; m < weights.length; m++) {
      for (Object input : batch.members.get(m).inputs()) {
        weights[m] += Math.max(1, String.valueOf(input).length());
      }
      sum += weights[m];
    }
    long[] shares = new long[weights.length];
    long given = 0;
    for (int m = 0; m < weights.length; m++) {
      shares[m] = total * weights[m] / sum;
      given += shares[m];
    }
    for (int m = 0; given < total; m = (m + 1) % shares.length) {
      shares[m]++;
      given++;
    }
    return shares;
  }
}
