package dev.switchboard.ratelimit;

/**
 * One holder of limits a request counts against: a key, a key for one model, a user, a team or a
 * deployment. A limit of 0 means none.
 *
 * @param id       the in-memory counter's name (never shown to anyone)
 * @param redisTag the Redis Cluster hash tag: every counter of one holder lives in one slot
 * @param model    the model of a per-model key limit, else null
 * @param holder   how messages name the holder ("this key", "team 'search'"): never a key or hash
 * @param field    the setting the limits come from, as a message names it ("rpm_limit" or "model_rpm_limit")
 */
public record Scope(String id, String redisTag, String model, String holder, Field field, long rpm, long tpm,
    long parallel) {

  /** Which setting names a holder's limits in messages. */
  public enum Field {
    PLAIN("rpm_limit", "tpm_limit", "max_parallel_requests"),
    MODEL("model_rpm_limit", "model_tpm_limit", "max_parallel_requests"),
    DEPLOYMENT("rpm", "tpm", "max_parallel_requests");

    final String rpm;
    final String tpm;
    final String parallel;

    Field(String rpm, String tpm, String parallel) {
      this.rpm = rpm;
      this.tpm = tpm;
      this.parallel = parallel;
    }
  }

  /** Which of a scope's limits said no. */
  public enum Limit {
    RPM, TPM, PARALLEL
  }

  String settingName(Limit limit) {
    return switch (limit) {
      case RPM -> field.rpm;
      case TPM -> field.tpm;
      case PARALLEL -> field.parallel;
    };
  }

  long limit(Limit limit) {
    return switch (limit) {
      case RPM -> rpm;
      case TPM -> tpm;
      case PARALLEL -> parallel;
    };
  }

  /** The start of this holder's Redis keys: {@code sb:rl:{tag}:} plus the model for per-model limits. */
  String redisPrefix() {
    return "sb:rl:{" + redisTag + "}:" + (model == null ? "" : "m:" + model + ":");
  }
}
