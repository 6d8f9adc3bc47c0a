package dev.switchboard.config;

import java.time.ZoneId;

/**
 * How spend is written and budgets are kept, from {@code general_settings} and {@code litellm_settings}.
 *
 * @param batchWriteSeconds    {@code proxy_batch_write_at}: the longest a spend row waits before it is written
 * @param batchSize            {@code spend_batch_size}: a batch is written as soon as it has this many rows
 * @param disableSpendLogs     {@code disable_spend_logs}: rows keep only id, time and cost (budgets still count)
 * @param spoolDir             {@code spend_spool_dir}: where rows wait, on disk, until Postgres has them
 * @param proxyMaxBudget       {@code litellm_settings.max_budget}: the whole proxy's budget, or null
 * @param proxyBudgetDuration  {@code litellm_settings.budget_duration}, or null for a budget that never resets
 * @param timezone             {@code litellm_settings.timezone}: where budget periods start at midnight
 * @param strictBudgets        {@code strict_budgets}: admit only when even the worst case fits the budget
 * @param expectedOutputTokens {@code budget_expected_output_tokens}: the output reserved for a request without
 *                             {@code max_tokens} whose model has no known output limit
 * @param sharedReservations   {@code budget_reservations: database}: reservations in Postgres, for several
 *                             gateways on one database; {@code memory} keeps them in this gateway
 */
public record SpendSettings(
    double batchWriteSeconds,
    int batchSize,
    boolean disableSpendLogs,
    String spoolDir,
    Double proxyMaxBudget,
    String proxyBudgetDuration,
    ZoneId timezone,
    boolean strictBudgets,
    int expectedOutputTokens,
    boolean sharedReservations) {

  public static final double DEFAULT_BATCH_WRITE_SECONDS = 1;
  public static final int DEFAULT_BATCH_SIZE = 500;
  public static final String DEFAULT_SPOOL_DIR = "data/spend-spool";
  public static final int DEFAULT_EXPECTED_OUTPUT_TOKENS = 4096;

  public static final SpendSettings DEFAULTS = new SpendSettings(DEFAULT_BATCH_WRITE_SECONDS, DEFAULT_BATCH_SIZE, false,
      DEFAULT_SPOOL_DIR, null, null, ZoneId.of("UTC"), false, DEFAULT_EXPECTED_OUTPUT_TOKENS, false);

  public SpendSettings withSpoolDir(String dir) {
    return new SpendSettings(batchWriteSeconds, batchSize, disableSpendLogs, dir, proxyMaxBudget, proxyBudgetDuration,
        timezone, strictBudgets, expectedOutputTokens, sharedReservations);
  }
}
