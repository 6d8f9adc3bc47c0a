package dev.switchboard.cache;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.CopyOptions;
import io.vertx.core.file.FileSystem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * {@code type: disk} ({@code disk_cache_dir}): one file per answer, {@code <sha256(key)>-<expiry ms>.entry},
 * so a restarted gateway finds its entries and their expiry from the directory listing alone. An
 * index in memory holds each entry's file and size; the total is bounded ({@code disk_cache_max_bytes}):
 * past it the entries that expire soonest go first. Every file operation goes through Vert.x's file
 * system (worker threads), never on an event loop. Writes land in a {@code .tmp} file and are moved
 * into place, so a crash leaves no half entry. Thread-safe: every event loop shares it.
 */
final class DiskCacheStore implements CacheStore {

  private static final String SUFFIX = ".entry";

  /** One entry on disk. */
  private record Held(String file, long bytes, long expiresAtMillis) {
  }

  private final Vertx vertx;
  private final FileSystem fs;
  private final String dir;
  private final long maxBytes;
  private final LongSupplier clockMillis;
  private final Map<String, Held> index = new ConcurrentHashMap<>();
  private final AtomicLong total = new AtomicLong();
  /** Writes under way, so closing waits for them (a restart finds what was stored before it). */
  private final Set<Future<Void>> writing = ConcurrentHashMap.newKeySet();
  private final Future<Void> ready;

  DiskCacheStore(Vertx vertx, String dir, long maxBytes, LongSupplier clockMillis) {
    this.vertx = vertx;
    this.fs = vertx.fileSystem();
    this.dir = Path.of(dir).toAbsolutePath().toString();
    this.maxBytes = maxBytes;
    this.clockMillis = clockMillis;
    this.ready = load();
  }

  /** Reads the directory: live entries join the index; expired ones, leftovers and duplicates are deleted. */
  private Future<Void> load() {
    return fs.mkdirs(dir).compose(v -> fs.readDir(dir)).compose(paths -> {
      long now = clockMillis.getAsLong();
      List<Future<?>> work = new ArrayList<>();
      for (String path : paths) {
        String name = Path.of(path).getFileName().toString();
        int dash = name.lastIndexOf('-');
        long expires = dash < 0 || !name.endsWith(SUFFIX) ? -1 : parseLong(name.substring(dash + 1, name.length() - SUFFIX.length()));
        if (name.endsWith(".tmp") || name.endsWith(SUFFIX) && expires <= now) {
          work.add(fs.delete(path).otherwise((Void) null));
        } else if (expires > 0) {
          String hash = name.substring(0, dash);
          work.add(fs.props(path).map(props -> {
            Held older = index.put(hash, new Held(name, props.size(), expires));
            total.addAndGet(props.size() - (older == null ? 0 : older.bytes()));
            if (older != null) {
              fs.delete(file(older)); // two versions of one key: the later write wins
            }
            return null;
          }).otherwise((Object) null));
        }
      }
      return Future.join(work).<Void>mapEmpty().compose(v -> evict());
    });
  }

  /**
   * Runs {@code op} once the directory is read, on the caller's own context: {@link #ready} belongs to
   * the context that started the gateway, and a request's stages must stay on the request's event loop.
   */
  private <T> Future<T> whenReady(Supplier<Future<T>> op) {
    if (ready.succeeded()) {
      return op.get();
    }
    if (ready.failed()) {
      return Future.failedFuture(ready.cause());
    }
    Context caller = vertx.getOrCreateContext();
    Promise<T> out = Promise.promise();
    ready.onComplete(loaded -> caller.runOnContext(v -> {
      if (loaded.failed()) {
        out.fail(loaded.cause());
      } else {
        op.get().onComplete(out);
      }
    }));
    return out.future();
  }

  private static long parseLong(String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private String file(Held held) {
    return dir + "/" + held.file();
  }

  @Override
  public Future<CacheEntry> get(String key) {
    return whenReady(() -> {
      String hash = hash(key);
      Held held = index.get(hash);
      if (held == null) {
        return Future.succeededFuture(null);
      }
      if (held.expiresAtMillis() <= clockMillis.getAsLong()) {
        return drop(hash, held).map((CacheEntry) null);
      }
      return fs.readFile(file(held)).map(CacheEntry::decode)
          .recover(gone -> { // evicted or deleted meanwhile: a miss
            drop(hash, held);
            return Future.succeededFuture(null);
          });
    });
  }

  @Override
  public Future<Void> put(String key, CacheEntry entry, long ttlMillis) {
    Buffer bytes = entry.encode();
    if (bytes.length() > maxBytes) {
      return Future.succeededFuture();
    }
    String hash = hash(key);
    Held held = new Held(hash + "-" + (clockMillis.getAsLong() + Math.max(1, ttlMillis)) + SUFFIX, bytes.length(),
        clockMillis.getAsLong() + Math.max(1, ttlMillis));
    String tmp = file(held) + ".tmp";
    Future<Void> write = whenReady(() -> fs.writeFile(tmp, bytes))
        .compose(v -> fs.move(tmp, file(held), new CopyOptions().setReplaceExisting(true).setAtomicMove(true)))
        .compose(v -> {
          Held older = index.put(hash, held);
          total.addAndGet(held.bytes() - (older == null ? 0 : older.bytes()));
          Future<Void> replaced = older == null || older.file().equals(held.file()) ? Future.succeededFuture()
              : fs.delete(file(older)).otherwise((Void) null);
          return replaced.compose(x -> evict());
        });
    writing.add(write);
    return write.andThen(done -> writing.remove(write));
  }

  /** Over the bound: delete the entries that expire soonest (expired ones first) until it fits. */
  private Future<Void> evict() {
    if (total.get() <= maxBytes) {
      return Future.succeededFuture();
    }
    List<Map.Entry<String, Held>> byExpiry = new ArrayList<>(index.entrySet());
    byExpiry.sort(Comparator.comparingLong(e -> e.getValue().expiresAtMillis()));
    List<Future<Void>> deleted = new ArrayList<>();
    for (Map.Entry<String, Held> e : byExpiry) {
      if (total.get() <= maxBytes) {
        break;
      }
      deleted.add(drop(e.getKey(), e.getValue()));
    }
    return Future.join(deleted).mapEmpty();
  }

  /** Forgets an entry (if the index still holds this version) and deletes its file. */
  private Future<Void> drop(String hash, Held held) {
    if (index.remove(hash, held)) {
      total.addAndGet(-held.bytes());
    }
    return fs.delete(file(held)).otherwise((Void) null);
  }

  @Override
  public Future<Integer> delete(List<String> keys) {
    return whenReady(() -> {
      List<Future<Void>> deleted = new ArrayList<>();
      for (String key : keys) {
        String hash = hash(key);
        Held held = index.get(hash);
        if (held != null) {
          deleted.add(drop(hash, held));
        }
      }
      return Future.join(deleted).map(x -> deleted.size());
    });
  }

  @Override
  public Future<Void> flush() {
    return whenReady(() -> {
      List<Future<Void>> deleted = new ArrayList<>();
      index.forEach((hash, held) -> deleted.add(drop(hash, held)));
      return Future.join(deleted).mapEmpty();
    });
  }

  /** Succeeds when the directory is there and was read. */
  @Override
  public Future<Void> ping() {
    return whenReady(() -> fs.exists(dir)).compose(there -> there ? Future.succeededFuture()
        : Future.failedFuture("the disk cache directory " + dir + " is gone"));
  }

  /** Waits for the writes under way. */
  @Override
  public Future<Void> close() {
    return Future.join(new ArrayList<>(writing)).<Void>mapEmpty().otherwise((Void) null);
  }

  /** Bytes the entries take on disk now. */
  long bytes() {
    return total.get();
  }

  static String hash(String key) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
