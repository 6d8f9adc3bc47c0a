package dev.switchboard.config;

import java.time.DateTimeException;
import java.time.ZoneId;

/** Reads {@link SpendSettings} from the two sections LiteLLM spreads them over. */
final class SpendSettingsReader {

  private SpendSettingsReader() {
  }

  /** @param externalDatabase a {@code database_url} is set, so other gateways may share the database */
  static SpendSettings read(YamlSection general, YamlSection litellm, boolean externalDatabase) {
    Double batchWrite = general.number("proxy_batch_write_at");
    if (batchWrite != null && batchWrite <= 0) {
      throw new StartupException(general.path("proxy_batch_write_at") + " must be greater than 0 seconds, got " + batchWrite);
    }
    Integer batchSize = general.integer("spend_batch_size");
    if (batchSize != null && batchSize < 1) {
      throw new StartupException(general.path("spend_batch_size") + " must be at least 1, got " + batchSize);
    }
    boolean disableLogs = general.bool("disable_spend_logs", false);
    String spoolDir = general.string("spend_spool_dir");
    boolean strict = general.bool("strict_budgets", false);
    Integer expectedOutput = general.integer("budget_expected_output_tokens");
    if (expectedOutput != null && expectedOutput < 0) {
      throw new StartupException(general.path("budget_expected_output_tokens") + " must be 0 or more, got " + expectedOutput);
    }
    String reservations = general.string("budget_reservations");
    if (reservations != null && !reservations.equals("memory") && !reservations.equals("database")) {
      throw new StartupException(general.path("budget_reservations") + " must be 'memory' or 'database', got '"
          + reservations + "'");
    }
    Double maxBudget = litellm.number("max_budget");
    String duration = litellm.string("budget_duration");
    if (duration != null && BudgetPeriod.parse(duration) == null) {
      throw new StartupException(litellm.path("budget_duration") + " must look like 30s, 15m, 1h, 1d, 7d, 30d or 1mo; got '"
          + duration + "'");
    }
    String zone = litellm.string("timezone");
    ZoneId timezone;
    try {
      timezone = zone == null ? ZoneId.of("UTC") : ZoneId.of(zone);
    } catch (DateTimeException e) {
      throw new StartupException(litellm.path("timezone") + " must be an IANA time zone such as UTC or Europe/Paris; got '"
          + zone + "'");
    }
    return new SpendSettings(
        batchWrite == null ? SpendSettings.DEFAULT_BATCH_WRITE_SECONDS : batchWrite,
        batchSize == null ? SpendSettings.DEFAULT_BATCH_SIZE : batchSize,
        disableLogs,
        spoolDir == null ? SpendSettings.DEFAULT_SPOOL_DIR : spoolDir,
        maxBudget,
        duration,
        timezone,
        strict,
        expectedOutput == null ? SpendSettings.DEFAULT_EXPECTED_OUTPUT_TOKENS : expectedOutput,
        reservations == null ? externalDatabase : reservations.equals("database"));
  }
}
