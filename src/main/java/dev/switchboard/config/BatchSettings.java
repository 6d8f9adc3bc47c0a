package dev.switchboard.config;

/**
 * {@code litellm_params.batch}: concurrent embedding requests to one deployment are merged into one
 * upstream call of up to {@code maxBatchSize} inputs, waiting at most {@code batchTimeoutMs}.
 */
public record BatchSettings(int maxBatchSize, long batchTimeoutMs) {

  public static final int DEFAULT_MAX_BATCH_SIZE = 64;
  public static final long DEFAULT_BATCH_TIMEOUT_MS = 10;
}
