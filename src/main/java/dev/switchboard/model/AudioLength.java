package dev.switchboard.model;

import io.vertx.core.buffer.Buffer;

/**
 * An upload's length in seconds where its header says it cheaply: a WAV file's (RIFF) byte rate and
 * data size. Other formats (mp3, m4a, webm...) would need their frames read; they answer -1, and a
 * transcript answered as text, srt or vtt from them is charged nothing (a JSON answer names its seconds).
 */
public final class AudioLength {

  /** Chunks looked at before the data chunk: a WAV file has a handful (fmt, LIST, fact). */
  private static final int MAX_CHUNKS = 32;

  private AudioLength() {
  }

  /** Whole seconds, rounded up, or -1 when the bytes are not a WAV file this can read. */
  public static long seconds(Buffer file) {
    if (file == null || file.length() < 12 || !ascii(file, 0, "RIFF") || !ascii(file, 8, "WAVE")) {
      return -1;
    }
    long byteRate = 0;
    int at = 12;
    for (int chunk = 0; chunk < MAX_CHUNKS && at + 8 <= file.length(); chunk++) {
      long size = Integer.toUnsignedLong(file.getIntLE(at + 4));
      if (ascii(file, at, "fmt ") && size >= 16 && at + 20 <= file.length()) {
        byteRate = Integer.toUnsignedLong(file.getIntLE(at + 16));
      } else if (ascii(file, at, "data")) {
        // a streamed WAV may leave its data size unset (0 or 0xFFFFFFFF): then it is what follows
        long data = size == 0 || size == 0xFFFFFFFFL ? file.length() - at - 8L : Math.min(size, file.length() - at - 8L);
        return byteRate <= 0 ? -1 : (data + byteRate - 1) / byteRate;
      }
      at += 8 + (int) Math.min(size + (size & 1), Integer.MAX_VALUE - at - 8);
    }
    return -1;
  }

  private static boolean ascii(Buffer buffer, int at, String text) {
    return at + text.length() <= buffer.length() && buffer.getString(at, at + text.length(), "ISO-8859-1").equals(text);
  }
}
