package dev.switchboard.alerting;

import dev.switchboard.config.AlertingSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;

/**
 * Sends alerts: filters by {@code alert_types}, sends each cause once per its time to live (budget
 * alerts per {@code budget_alert_ttl}, deployment alerts per {@code outage_alert_ttl}, failed spend
 * writes once an hour), then posts to Slack ({@code {"text": ...}}, to the type's own URL from
 * {@code alert_to_webhook_url} when it has one) and to the webhook (LiteLLM's WebhookEvent fields).
 * At most {@link #MAX_IN_FLIGHT} posts at a time; more are dropped and counted. One per gateway.
 */
final class AlertDispatcher {

  private static final Logger LOG = Logger.getLogger(AlertDispatcher.class.getName());
  static final int MAX_IN_FLIGHT = 32;
  private static final long TIMEOUT_MS = 10_000;
  private static final long SPEND_WRITE_TTL_MS = 3_600_000;
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  private final AlertingSettings settings;
  private final HttpClientAgent client;
  private final Dedup sent = new Dedup();
  private final AtomicInteger inFlight = new AtomicInteger();
  final LongAdder delivered = new LongAdder();
  final LongAdder suppressed = new LongAdder();
  final LongAdder failed = new LongAdder();

  AlertDispatcher(Vertx vertx, AlertingSettings settings) {
    this.settings = settings;
    this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) TIMEOUT_MS),
        new PoolOptions().setHttp1MaxSize(2).setMaxWaitQueueSize(MAX_IN_FLIGHT));
  }

  void dispatch(AlertEvent alert) {
    if (!wanted(alert)) {
      return;
    }
    if (!sent.first(alert.dedupKey(), alert.epochMillis(), ttl(alert.type()))) {
      suppressed.increment();
      return;
    }
    String slack = settings.slackByType().getOrDefault(alert.type(), settings.slackUrl());
    if (slack != null) {
      post(slack, new JsonObject().put("text", "Alert type: `" + alert.type() + "`\nLevel: `" + alert.level()
          + "`\nTimestamp: `" + CLOCK.format(java.time.Instant.ofEpochMilli(alert.epochMillis())) + "`\n\nMessage: "
          + alert.message()));
    }
    if (settings.webhookUrl() != null) {
      post(settings.webhookUrl(), alert.toWebhookJson());
    }
  }

  private boolean wanted(AlertEvent alert) {
    return settings.wants(alert.type())
        // LiteLLM files soft budgets under budget_alerts, and the daily report under spend_reports too.
        || alert.type().equals(AlertEvent.SOFT_BUDGET) && settings.wants(AlertEvent.BUDGET)
        || alert.type().equals(AlertEvent.DAILY_REPORT) && settings.wants("spend_reports");
  }

  private long ttl(String type) {
    return switch (type) {
      case AlertEvent.BUDGET, AlertEvent.SOFT_BUDGET -> settings.budgetAlertTtlMs();
      case AlertEvent.FAILED_SPEND_WRITES -> SPEND_WRITE_TTL_MS;
      case AlertEvent.DAILY_REPORT, AlertEvent.FALLBACK_REPORT -> 1;
      default -> settings.outageAlertTtlMs();
    };
  }

  private void post(String url, JsonObject body) {
    if (inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
      inFlight.decrementAndGet();
      failed.increment();
      return;
    }
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
        .setConnectTimeout(TIMEOUT_MS).setIdleTimeout(TIMEOUT_MS).putHeader("content-type", "application/json");
    client.request(options)
        .compose(request -> request.send(Buffer.buffer(body.encode())))
        .compose(response -> response.body().compose(b -> response.statusCode() / 100 == 2
            ? Future.<Void>succeededFuture() : Future.failedFuture("HTTP " + response.statusCode())))
        .timeout(TIMEOUT_MS * 2, TimeUnit.MILLISECONDS)
        .onComplete(done -> {
          inFlight.decrementAndGet();
          if (done.succeeded()) {
            delivered.increment();
          } else {
            failed.increment();
            // The URL is a credential (Slack's carries its token): never logged.
            LOG.warning("Cannot send an alert: " + done.cause().getMessage());
          }
        });
  }

  /** Posts still in flight. */
  int inFlight() {
    return inFlight.get();
  }

  Future<Void> close() {
    return client.close();
  }
}
