package dev.switchboard.ratelimit;

/** Told how long each Redis call took and whether it failed (for /metrics). */
@FunctionalInterface
public interface RedisTimer {

  RedisTimer NONE = (nanos, failed) -> { };

  void call(long nanos, boolean failed);
}
