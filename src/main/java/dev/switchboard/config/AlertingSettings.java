package dev.switchboard.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Alerting, by LiteLLM's {@code general_settings}: {@code alerting: ["slack", "webhook"]},
 * {@code alerting_threshold} (seconds; slower requests are reported), {@code alert_types} (all
 * when absent), {@code alert_to_webhook_url} (a Slack URL per alert type), {@code alerting_args}
 * and {@code spend_report_frequency}. Slack posts go to {@code SLACK_WEBHOOK_URL}, webhook posts to
 * {@code WEBHOOK_URL}.
 *
 * @param slackUrl            Slack incoming-webhook URL, or null when Slack is off
 * @param slackByType         alert type to its own Slack URL ({@code alert_to_webhook_url})
 * @param webhookUrl          the generic webhook's URL, or null when it is off
 * @param thresholdSeconds    a request slower than this is reported ({@code llm_too_slow})
 * @param alertTypes          the types sent; empty means every type
 * @param reportEveryMs       how often the spend report is sent
 * @param budgetAlertTtlMs    one budget alert per budget holder within this time
 * @param outageAlertTtlMs    one outage/slow/cooldown alert per deployment within this time
 * @param outageThreshold     provider failures of one deployment within {@code outageAlertTtlMs} that make an outage
 */
public record AlertingSettings(String slackUrl, Map<String, String> slackByType, String webhookUrl,
    double thresholdSeconds, Set<String> alertTypes, long reportEveryMs, long budgetAlertTtlMs, long outageAlertTtlMs,
    int outageThreshold) {

  static final double DEFAULT_THRESHOLD_SECONDS = 300;

  public boolean isOn() {
    return slackUrl != null || webhookUrl != null || !slackByType.isEmpty();
  }

  /** Whether alerts of {@code type} are wanted. */
  public boolean wants(String type) {
    return alertTypes.isEmpty() || alertTypes.contains(type);
  }

  /** Null when alerting is off (no {@code alerting} list). */
  static AlertingSettings read(YamlSection general, Function<String, String> env) {
    List<String> channels = general.stringList("alerting").stream().map(c -> c.trim().toLowerCase(Locale.ROOT))
        .toList();
    Double threshold = general.number("alerting_threshold");
    List<String> types = general.stringList("alert_types");
    YamlSection byType = general.section("alert_to_webhook_url");
    Map<String, String> slackByType = new LinkedHashMap<>(byType.strings());
    YamlSection args = general.section("alerting_args");
    Double reportFrequency = args.number("daily_report_frequency");
    String spendFrequency = general.string("spend_report_frequency");
    Double budgetTtl = args.number("budget_alert_ttl");
    Double outageTtl = args.number("outage_alert_ttl");
    Integer outageThreshold = args.positive("minor_outage_alert_threshold");
    args.rawKeys().forEach(args::raw); // LiteLLM's other tuning knobs have no counterpart here; not worth a warning
    if (channels.isEmpty()) {
      return null;
    }
    String slack = null;
    if (channels.contains("slack")) {
      slack = CallbackSettings.set(env.apply("SLACK_WEBHOOK_URL"));
      if (slack == null && slackByType.isEmpty()) {
        throw new StartupException("general_settings.alerting lists slack, but SLACK_WEBHOOK_URL is not set; export "
            + "it (or set alert_to_webhook_url) or remove slack");
      }
    } else {
      slackByType.clear();
    }
    String webhook = null;
    if (channels.contains("webhook")) {
      webhook = CallbackSettings.set(env.apply("WEBHOOK_URL"));
      if (webhook == null) {
        throw new StartupException("general_settings.alerting lists webhook, but WEBHOOK_URL is not set; export it "
            + "or remove webhook");
      }
    }
    long reportEvery = spendFrequency != null && DurationText.seconds(spendFrequency) > 0
        ? DurationText.seconds(spendFrequency) * 1000
        : reportFrequency != null && reportFrequency > 0 ? Math.round(reportFrequency * 1000) : 12 * 3_600_000L;
    return new AlertingSettings(slack, Map.copyOf(slackByType), webhook,
        threshold == null || threshold <= 0 ? DEFAULT_THRESHOLD_SECONDS : threshold,
        Set.copyOf(types.stream().map(String::trim).toList()), reportEvery,
        budgetTtl == null || budgetTtl <= 0 ? 86_400_000L : Math.round(budgetTtl * 1000),
        outageTtl == null || outageTtl <= 0 ? 60_000L : Math.round(outageTtl * 1000),
        outageThreshold == null ? 5 : outageThreshold);
  }

  /** Never the URLs: a Slack webhook URL is a credential. */
  @Override
  public String toString() {
    return "AlertingSettings[slack=" + (slackUrl != null) + ", webhook=" + (webhookUrl != null) + ", threshold="
        + thresholdSeconds + ", types=" + alertTypes + "]";
  }
}
