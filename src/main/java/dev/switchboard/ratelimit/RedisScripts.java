package dev.switchboard.ratelimit;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The Lua scripts behind {@link RedisCounters} and the key layout they count in: owns the script
 * text and SHAs, how one holder's scopes become one {@code EVALSHA} (keys and arguments), and
 * loading the scripts into a Redis that lost them. Pure request building: it sends nothing itself
 * but the loads.
 */
final class RedisScripts {

  /** Window keys outlive their minute, so a late correction still finds them. */
  private static final long WINDOW_TTL_SECONDS = 120;
  /** In-flight counts of a gateway that died are forgotten after an hour. */
  private static final long PARALLEL_TTL_SECONDS = 3600;

  private static final String ACQUIRE = """
      local cost = tonumber(ARGV[1])
      local n = #KEYS / 3
      for i = 1, n do
        local rpm = tonumber(ARGV[1 + i * 3])
        local tpm = tonumber(ARGV[2 + i * 3])
        local par = tonumber(ARGV[3 + i * 3])
        if rpm > 0 then
          local r = tonumber(redis.call('GET', KEYS[i * 3 - 2]) or '0')
          if r + 1 > rpm then return {0, i, 1, r} end
        end
        if tpm > 0 then
          local t = tonumber(redis.call('GET', KEYS[i * 3 - 1]) or '0')
          if t >= tpm or (t > 0 and t + cost > tpm) then return {0, i, 2, t} end
        end
        if par > 0 then
          local p = tonumber(redis.call('GET', KEYS[i * 3]) or '0')
          if p + 1 > par then return {0, i, 3, p} end
        end
      end
      local out = {1}
      for i = 1, n do
        local r = 0
        local t = 0
        if tonumber(ARGV[1 + i * 3]) > 0 then
          r = redis.call('INCR', KEYS[i * 3 - 2])
          if r == 1 then redis.call('EXPIRE', KEYS[i * 3 - 2], ARGV[2]) end
        end
        if tonumber(ARGV[2 + i * 3]) > 0 then
          t = redis.call('INCRBY', KEYS[i * 3 - 1], cost)
          if redis.call('TTL', KEYS[i * 3 - 1]) < 0 then redis.call('EXPIRE', KEYS[i * 3 - 1], ARGV[2]) end
        end
        if tonumber(ARGV[3 + i * 3]) > 0 then
          redis.call('INCR', KEYS[i * 3])
          redis.call('EXPIRE', KEYS[i * 3], ARGV[3])
        end
        out[#out + 1] = r
        out[#out + 1] = t
      end
      return out
      """;

  private static final String ADJUST = """
      for i = 1, #KEYS do
        local d = tonumber(ARGV[i * 2])
        if d ~= 0 then
          local v = redis.call('INCRBY', KEYS[i], d)
          if ARGV[i * 2 + 1] == 'p' then
            if v <= 0 then redis.call('DEL', KEYS[i]) end
          else
            if v < 0 then redis.call('SET', KEYS[i], 0, 'KEEPTTL') end
            if redis.call('TTL', KEYS[i]) < 0 then redis.call('EXPIRE', KEYS[i], ARGV[1]) end
          end
        end
      end
      return 1
      """;

  private static final String ACQUIRE_SHA = sha1(ACQUIRE);
  private static final String ADJUST_SHA = sha1(ADJUST);

  private RedisScripts() {
  }

  /** Checks one holder's scopes and, when all have room, counts a request of {@code tokens} on each. */
  static Request acquire(List<Scope> holder, long window, long tokens) {
    List<String> keys = new ArrayList<>(holder.size() * 3);
    List<Long> args = new ArrayList<>(3 + holder.size() * 3);
    args.add(tokens);
    args.add(WINDOW_TTL_SECONDS);
    args.add(PARALLEL_TTL_SECONDS);
    for (Scope scope : holder) {
      keys.add(requestsKey(scope, window));
      keys.add(tokensKey(scope, window));
      keys.add(parallelKey(scope));
      args.add(scope.rpm());
      args.add(scope.tpm());
      args.add(scope.parallel());
    }
    return script(ACQUIRE_SHA, keys, args);
  }

  /** Adds the deltas to one holder's counters; null when none of its scopes counts what changes. */
  static Request adjust(List<Scope> holder, long tokenWindow, long window, long requests, long tokens,
      long parallel) {
    List<String> keys = new ArrayList<>();
    List<Object> args = new ArrayList<>();
    args.add(WINDOW_TTL_SECONDS);
    for (Scope scope : holder) {
      if (scope.rpm() > 0 && requests != 0) {
        keys.add(requestsKey(scope, window));
        args.add(requests);
        args.add("w");
      }
      if (scope.tpm() > 0 && tokens != 0) {
        keys.add(tokensKey(scope, tokenWindow));
        args.add(tokens);
        args.add("w");
      }
      if (scope.parallel() > 0 && parallel != 0) {
        keys.add(parallelKey(scope));
        args.add(parallel);
        args.add("p");
      }
    }
    return keys.isEmpty() ? null : script(ADJUST_SHA, keys, args);
  }

  /** Loads both scripts (by sending them whole), for a Redis that answered NOSCRIPT. */
  static Future<?> load(Redis redis) {
    return redis.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(ACQUIRE))
        .compose(loaded -> redis.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(ADJUST)));
  }

  private static Request script(String sha, List<String> keys, List<?> args) {
    Request request = Request.cmd(Command.EVALSHA).arg(sha).arg(keys.size());
    keys.forEach(request::arg);
    for (Object arg : args) {
      request.arg(String.valueOf(arg));
    }
    return request;
  }

  private static String requestsKey(Scope scope, long window) {
    return scope.redisPrefix() + "r:" + window;
  }

  private static String tokensKey(Scope scope, long window) {
    return scope.redisPrefix() + "t:" + window;
  }

  private static String parallelKey(Scope scope) {
    return scope.redisPrefix() + "p";
  }

  private static String sha1(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
