package dev.switchboard.ingress;

import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.MediaCalls;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a multipart/form-data body (RFC 7578) into the JSON form {@link MediaCalls} describes: the
 * gateway needs its {@code model} to route, and the provider gets the form again with its own model
 * name. File bytes stay slices of the body (the body limit has already bounded it).
 */
final class MultipartForm {

  private static final Pattern BOUNDARY = Pattern.compile("(?i)boundary=(?:\"([^\"]+)\"|([^;\\s]+))");
  private static final Pattern NAME = Pattern.compile("(?i);\\s*name=\"([^\"]*)\"");
  private static final Pattern FILENAME = Pattern.compile("(?i);\\s*filename=\"([^\"]*)\"");

  private MultipartForm() {
  }

  /** @throws GatewayError 400 saying what is wrong with the form */
  static JsonObject read(Buffer raw, String contentType) {
    if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
      throw GatewayError.badRequest(null, "This endpoint takes multipart/form-data with a 'model' field and its file parts"
          + " (Content-Type was " + (contentType == null ? "missing" : "'" + contentType.split(";")[0] + "'") + ").");
    }
    Matcher boundary = BOUNDARY.matcher(contentType);
    if (!boundary.find()) {
      throw GatewayError.badRequest(null, "The multipart/form-data Content-Type names no boundary.");
    }
    byte[] delimiter = ("--" + (boundary.group(1) != null ? boundary.group(1) : boundary.group(2))).getBytes(StandardCharsets.ISO_8859_1);
    JsonObject form = new JsonObject();
    int at = indexOf(raw, delimiter, 0);
    if (at < 0) {
      throw malformed();
    }
    while (true) {
      int lineEnd = at + delimiter.length;
      if (startsWith(raw, lineEnd, "--")) {
        return form; // the closing delimiter
      }
      int headersStart = indexOf(raw, "\r\n".getBytes(StandardCharsets.ISO_8859_1), lineEnd);
      int headersEnd = headersStart < 0 ? -1 : indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), headersStart);
      if (headersEnd < 0) {
        throw malformed();
      }
      int next = indexOf(raw, ("\r\n" + new String(delimiter, StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1), headersEnd + 4);
      if (next < 0) {
        throw malformed();
      }
      part(form, raw.getString(headersStart + 2, headersEnd, "UTF-8"), raw.slice(headersEnd + 4, next));
      at = next + 2;
    }
  }

  private static void part(JsonObject form, String headers, Buffer data) {
    String disposition = null;
    String type = null;
    for (String line : headers.split("\r\n")) {
      int colon = line.indexOf(':');
      String name = colon < 0 ? "" : line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      if (name.equals("content-disposition")) {
        disposition = line.substring(colon + 1);
      } else if (name.equals("content-type")) {
        type = line.substring(colon + 1).trim();
      }
    }
    Matcher name = disposition == null ? null : NAME.matcher(disposition);
    if (name == null || !name.find()) {
      throw GatewayError.badRequest(null, "A multipart part has no Content-Disposition name.");
    }
    Matcher filename = FILENAME.matcher(disposition);
    boolean named = filename.find();
    // A file part has a filename; some clients (the OpenAI Java SDK given bytes) send only its content type.
    Object value = data.toString(StandardCharsets.UTF_8);
    if (named || type != null && !type.toLowerCase(Locale.ROOT).startsWith("text/plain")) {
      JsonObject file = new JsonObject().put(MediaCalls.FILE_TYPE, type == null ? "application/octet-stream" : type);
      if (named) {
        file.put(MediaCalls.FILE_NAME, filename.group(1));
      }
      value = file.put(MediaCalls.FILE_DATA, data);
    }
    Object earlier = form.getValue(name.group(1));
    if (earlier == null) {
      form.put(name.group(1), value);
    } else if (earlier instanceof JsonArray repeated) {
      repeated.add(value); // timestamp_granularities[] and the like come once per value
    } else {
      form.put(name.group(1), new JsonArray().add(earlier).add(value));
    }
  }

  private static GatewayError malformed() {
    return GatewayError.badRequest(null, "The multipart/form-data body is malformed: its parts do not match its boundary.");
  }

  private static boolean startsWith(Buffer raw, int at, String text) {
    return at + text.length() <= raw.length() && raw.getString(at, at + text.length(), "ISO-8859-1").equals(text);
  }

  private static int indexOf(Buffer raw, byte[] needle, int from) {
    int last = raw.length() - needle.length;
    outer:
    for (int i = Math.max(0, from); i <= last; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (raw.getByte(i + j) != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
