package dev.switchboard.provider;

import dev.switchboard.model.Deployment;
import dev.switchboard.model.MediaCalls;
import dev.switchboard.model.Operation;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

/**
 * A media call's body as OpenAI (and Azure) take it: JSON for images and speech, the multipart form
 * again for a transcription, translation or image edit, each with the deployment's model name and without the gateway's fields.
 */
final class MediaBodies {

  /** The body and the headers that describe it (the provider adds its credentials). */
  record Encoded(Buffer body, MultiMap headers) {
  }

  private MediaBodies() {
  }

  static Encoded encode(Operation operation, Deployment deployment, JsonObject clientBody) {
    // Audio, or JSON, or text (a transcript as srt or vtt): what the provider sends is passed on as it is.
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().set(HttpHeaders.ACCEPT, "*/*");
    if (!MediaCalls.isMultipart(operation)) {
      headers.set(HttpHeaders.CONTENT_TYPE, "application/json");
      return new Encoded(OpenAiBodies.prepare(operation, deployment, clientBody, false).body().toBuffer(), headers);
    }
    String boundary = "switchboard-" + UUID.randomUUID();
    Buffer body = Buffer.buffer();
    for (Map.Entry<String, Object> field : clientBody) {
      if (OpenAiBodies.GATEWAY_ONLY_FIELDS.contains(field.getKey())) {
        continue;
      }
      Object value = "model".equals(field.getKey()) ? deployment.upstreamModel() : field.getValue();
      if (value instanceof JsonArray repeated) {
        repeated.forEach(each -> part(body, boundary, field.getKey(), each));
      } else {
        part(body, boundary, field.getKey(), value);
      }
    }
    body.appendString("--" + boundary + "--\r\n");
    headers.set(HttpHeaders.CONTENT_TYPE, "multipart/form-data; boundary=" + boundary);
    return new Encoded(body, headers);
  }

  private static void part(Buffer body, String boundary, String name, Object value) {
    body.appendString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + quoted(name) + "\"");
    if (MediaCalls.isFile(value)) {
      JsonObject file = (JsonObject) value;
      String filename = file.getString(MediaCalls.FILE_NAME);
      body.appendString((filename == null ? "" : "; filename=\"" + quoted(filename) + "\"") + "\r\nContent-Type: "
          + file.getString(MediaCalls.FILE_TYPE, "application/octet-stream") + "\r\n\r\n");
      body.appendBuffer(MediaCalls.fileData(file));
    } else {
      body.appendString("\r\n\r\n").appendString(String.valueOf(value), StandardCharsets.UTF_8.name());
    }
    body.appendString("\r\n");
  }

  /** A name as a quoted-string may carry it (no quote, no line break). */
  private static String quoted(String text) {
    return text.replace("\"", "%22").replace("\r", "%0D").replace("\n", "%0A");
  }
}
