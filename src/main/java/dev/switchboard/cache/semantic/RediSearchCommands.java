package dev.switchboard.cache.semantic;

import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.List;

/**
 * The RediSearch commands of {@code redis-semantic}, as argument lists (so a test can read them)
 * turned into Vert.x requests. Entries are hashes under the index's prefix; the partition is a TAG
 * field (hex, so it needs no escaping); distance is cosine, as LiteLLM's: similarity = 1 - distance.
 */
final class RediSearchCommands {

  static final String PREFIX = "switchboard:semantic:";

  private RediSearchCommands() {
  }

  static String keyPrefix(String index) {
    return PREFIX + index + ":";
  }

  /** {@code FT.CREATE} for {@code dim}-dimensional FLOAT32 vectors in an HNSW graph. */
  static List<Object> create(String index, int dim) {
    return List.of(index, "ON", "HASH", "PREFIX", "1", keyPrefix(index), "SCHEMA", "partition", "TAG",
        "vector", "VECTOR", "HNSW", "6", "TYPE", "FLOAT32", "DIM", Integer.toString(dim), "DISTANCE_METRIC", "COSINE");
  }

  /** {@code FT.SEARCH}: the one nearest entry of the partition, with its distance and answer. */
  static List<Object> search(String index, String partitionTag, float[] vector) {
    return List.of(index, "@partition:{" + partitionTag + "}=>[KNN 1 @vector $vec AS distance]",
        "PARAMS", "2", "vec", Vectors.float32(vector), "SORTBY", "distance", "ASC",
        "RETURN", "3", "distance", "response", "stored_at", "LIMIT", "0", "1", "DIALECT", "2");
  }

  /** {@code HSET} of one entry (its expiry is a {@code PEXPIRE} beside it). */
  static List<Object> hset(String key, String partitionTag, float[] vector, String prompt, String response,
      long storedAt) {
    return List.of(key, "partition", partitionTag, "vector", Vectors.float32(vector), "text", prompt,
        "response", response, "stored_at", Long.toString(storedAt));
  }

  static Request request(Command command, List<Object> args) {
    Request request = Request.cmd(command);
    for (Object arg : args) {
      if (arg instanceof byte[] bytes) {
        request.arg(bytes);
      } else {
        request.arg(String.valueOf(arg));
      }
    }
    return request;
  }

  /** The arguments as text, byte arguments shown by their length (for tests and logs). */
  static List<String> describe(List<Object> args) {
    List<String> out = new ArrayList<>();
    for (Object arg : args) {
      out.add(arg instanceof byte[] bytes ? "<" + bytes.length + " bytes>" : String.valueOf(arg));
    }
    return out;
  }
}
