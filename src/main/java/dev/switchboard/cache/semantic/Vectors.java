package dev.switchboard.cache.semantic;

import io.vertx.core.json.JsonArray;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Small vector helpers: cosine similarity, JSON and RediSearch's FLOAT32 little-endian bytes. */
final class Vectors {

  private Vectors() {
  }

  static double cosine(float[] a, float[] b) {
    if (a.length != b.length) {
      return -1; // another embedding model's vector is never a match
    }
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
  }

  static JsonArray json(float[] vector) {
    JsonArray out = new JsonArray();
    for (float v : vector) {
      out.add(v);
    }
    return out;
  }

  static byte[] float32(float[] vector) {
    ByteBuffer bytes = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : vector) {
      bytes.putFloat(v);
    }
    return bytes.array();
  }
}
