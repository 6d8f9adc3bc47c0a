package dev.switchboard.bench;

import dev.switchboard.cache.CacheEntry;
import dev.switchboard.cache.CacheKeys;
import dev.switchboard.cache.ResponseCache;
import dev.switchboard.config.CacheSettings;
import dev.switchboard.model.Operation;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the response cache adds to a request in the gateway's CPU: the key of a chat body (a system
 * prompt, three turns, a tool, about 1.5 KB: canonical JSON and SHA-256), and a hit in the local
 * store (key plus lookup). A miss costs the key plus a lookup and, after the answer, one put.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ResponseCacheBenchmark {

  private JsonObject body;
  private ResponseCache cache;

  @Setup
  public void setUp() {
    JsonArray messages = new JsonArray()
        .add(new JsonObject().put("role", "system").put("content", "You are a careful assistant. ".repeat(20)))
        .add(new JsonObject().put("role", "user").put("content", "What is the weather in Paris today?"))
        .add(new JsonObject().put("role", "assistant").put("content", "Let me check that for you. ".repeat(5)))
        .add(new JsonObject().put("role", "user").put("content", "And tomorrow, in Lyon?"));
    JsonArray tools = new JsonArray().add(new JsonObject().put("type", "function").put("function", new JsonObject()
        .put("name", "get_weather").put("parameters", new JsonObject().put("type", "object").put("properties",
            new JsonObject().put("city", new JsonObject().put("type", "string"))))));
    body = new JsonObject().put("model", "chat").put("messages", messages).put("tools", tools).put("temperature", 0.2)
        .put("max_tokens", 256).put("user", "u-1").put("metadata", new JsonObject().put("trace", "abc"));
    cache = ResponseCache.local(new CacheSettings(true, CacheSettings.LOCAL, null, null, 600,
        CacheSettings.CACHEABLE_CALL_TYPES, false, false, 10_000, 1 << 20, List.of()), new AtomicLong());
    cache.store(key(), Buffer.buffer(new JsonObject().put("id", "chatcmpl-1").put("choices", new JsonArray()).encode()), null);
  }

  @Benchmark
  public String key() {
    return CacheKeys.of(null, "team:t1", Operation.CHAT, "chat", body);
  }

  @Benchmark
  public CacheEntry localHit() {
    return cache.lookup(key(), null).result();
  }
}
