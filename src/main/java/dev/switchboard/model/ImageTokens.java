package dev.switchboard.model;

import io.vertx.core.json.JsonObject;
import java.util.Base64;

/**
 * What an image in a prompt costs in tokens, by the providers' documented rules. Dimensions are
 * read from the header of an inline PNG or GIF; an image whose size the gateway cannot see (a URL,
 * a JPEG) counts {@link #UNKNOWN}, the most either rule charges for one image.
 */
final class ImageTokens {

  /** OpenAI (gpt-4o family): a 768x2048 image, the largest tiling, is 1,445; Anthropic caps near 1,600. */
  static final int UNKNOWN = 1600;
  /** OpenAI {@code detail: low}: a fixed 85. */
  static final int OPENAI_LOW = 85;
  private static final int OPENAI_BASE = 85;
  private static final int OPENAI_PER_TILE = 170;
  private static final int ANTHROPIC_LONG_EDGE = 1568;

  private ImageTokens() {
  }

  /** An {@code image_url} (chat) or {@code input_image} (Responses) part. */
  static long openAi(JsonObject part) {
    Object image = part.getValue("image_url");
    String url = image instanceof JsonObject object ? object.getString("url") : image instanceof String s ? s : null;
    String detail = image instanceof JsonObject object ? object.getString("detail") : part.getString("detail");
    if ("low".equals(detail)) {
      return OPENAI_LOW;
    }
    int[] size = url != null && url.startsWith("data:") ? size(url.substring(url.indexOf(',') + 1)) : null;
    return size == null ? UNKNOWN : openAiHigh(size[0], size[1]);
  }

  /** An Anthropic {@code image} block. */
  static long anthropic(JsonObject block) {
    JsonObject source = block.getValue("source") instanceof JsonObject s ? s : new JsonObject();
    int[] size = "base64".equals(source.getValue("type")) && source.getValue("data") instanceof String data ? size(data) : null;
    return size == null ? UNKNOWN : anthropic(size[0], size[1]);
  }

  /** Fit in 2048x2048, shortest side down to 768, then 170 per 512-pixel tile plus 85. */
  static long openAiHigh(double width, double height) {
    double fit = Math.min(1, 2048 / Math.max(width, height));
    width *= fit;
    height *= fit;
    double shrink = Math.min(1, 768 / Math.min(width, height));
    width *= shrink;
    height *= shrink;
    return OPENAI_BASE + OPENAI_PER_TILE * (long) Math.ceil(width / 512) * (long) Math.ceil(height / 512);
  }

  /** Width x height / 750, after a long edge over 1,568 pixels is scaled down to it; at most about 1,600. */
  static long anthropic(double width, double height) {
    double fit = Math.min(1, ANTHROPIC_LONG_EDGE / Math.max(width, height));
    return Math.min(UNKNOWN, (long) Math.ceil(width * fit * height * fit / 750));
  }

  /** Width and height from the first bytes of a base64 PNG or GIF, or null. */
  static int[] size(String base64) {
    if (base64.length() < 32) {
      return null;
    }
    byte[] head;
    try {
      head = Base64.getDecoder().decode(base64.substring(0, 32));
    } catch (IllegalArgumentException e) {
      return null;
    }
    if ((head[0] & 0xff) == 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G') {
      return positive(bigEndian(head, 16), bigEndian(head, 20));
    }
    if (head[0] == 'G' && head[1] == 'I' && head[2] == 'F') {
      return positive((head[6] & 0xff) | (head[7] & 0xff) << 8, (head[8] & 0xff) | (head[9] & 0xff) << 8);
    }
    return null;
  }

  private static int bigEndian(byte[] bytes, int at) {
    return (bytes[at] & 0xff) << 24 | (bytes[at + 1] & 0xff) << 16 | (bytes[at + 2] & 0xff) << 8 | (bytes[at + 3] & 0xff);
  }

  private static int[] positive(int width, int height) {
    return width > 0 && height > 0 ? new int[] {width, height} : null;
  }
}
