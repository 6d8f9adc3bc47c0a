package dev.switchboard.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The disk store: entries outlive the store, expire on the injected clock, and stay within the size bound. */
class DiskCacheStoreTest {

  private final Vertx vertx = Vertx.vertx();
  private final AtomicLong now = new AtomicLong(1_000_000);

  @TempDir
  Path dir;

  @AfterEach
  void close() throws Exception {
    await(vertx.close());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get();
  }

  private DiskCacheStore store(long maxBytes) {
    return new DiskCacheStore(vertx, dir.toString(), maxBytes, now::get);
  }

  private CacheEntry entry(String text) {
    return new CacheEntry(Buffer.buffer("{\"answer\":\"" + text + "\"}"), now.get());
  }

  private long files() throws IOException {
    try (Stream<Path> listed = Files.list(dir)) {
      return listed.count();
    }
  }

  @Test
  void an_entry_expires_on_the_clock_and_its_file_is_deleted() throws Exception {
    DiskCacheStore store = store(1 << 20);
    await(store.put("k", entry("a"), 1000));
    now.addAndGet(999);
    assertEquals("{\"answer\":\"a\"}", await(store.get("k")).body().toString());
    now.addAndGet(2);
    assertNull(await(store.get("k")));
    assertEquals(0, files(), "the expired file is gone");
  }

  @Test
  void past_the_size_bound_the_soonest_to_expire_go_first() throws Exception {
    int size = entry("x".repeat(100)).encode().length();
    DiskCacheStore store = store(size * 3L + 10);
    for (int i = 0; i < 5; i++) {
      await(store.put("k" + i, entry(String.valueOf(i).repeat(100)), 10_000 + i));
    }
    assertTrue(store.bytes() <= size * 3L + 10, "within the bound: " + store.bytes());
    assertNull(await(store.get("k0")));
    assertNull(await(store.get("k1")));
    assertNotNull(await(store.get("k4")));
    assertEquals(3, files());
  }

  @Test
  void a_new_store_on_the_same_directory_finds_the_entries_and_drops_the_expired() throws Exception {
    DiskCacheStore first = store(1 << 20);
    await(first.put("kept", entry("kept"), 60_000));
    await(first.put("short", entry("short"), 1_000));
    await(first.put("kept", entry("kept again"), 60_000)); // a rewrite leaves one file
    await(first.close());
    assertEquals(2, files());
    now.addAndGet(5_000);
    DiskCacheStore second = store(1 << 20);
    assertEquals("{\"answer\":\"kept again\"}", await(second.get("kept")).body().toString());
    assertNull(await(second.get("short")));
    await(second.ping());
    assertEquals(1, files(), "the expired entry was deleted when the directory was read");
    assertEquals(1, await(second.delete(java.util.List.of("kept", "never"))));
    assertEquals(0, files());
  }
}
