package dev.switchboard.files;

import dev.switchboard.model.MediaCalls;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** A file upload's form again, as the provider takes it: its fields and file, without the gateway's own fields. */
public record FileForm(Buffer body, String contentType) {

  /** Fields that pick the deployment and never reach the provider (as LiteLLM strips them). */
  public static final Set<String> GATEWAY_FIELDS = Set.of("model", "target_model_names", "custom_llm_provider",
      "litellm_metadata");

  public static FileForm of(JsonObject form) {
    String boundary = "switchboard-" + UUID.randomUUID();
    Buffer body = Buffer.buffer();
    for (Map.Entry<String, Object> field : form) {
      if (GATEWAY_FIELDS.contains(field.getKey())) {
        continue;
      }
      body.appendString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + quoted(field.getKey()) + "\"");
      Object value = field.getValue();
      if (MediaCalls.isFile(value)) {
        JsonObject file = (JsonObject) value;
        String filename = file.getString(MediaCalls.FILE_NAME, "upload.jsonl");
        body.appendString("; filename=\"" + quoted(filename) + "\"\r\nContent-Type: "
            + file.getString(MediaCalls.FILE_TYPE, "application/octet-stream") + "\r\n\r\n");
        body.appendBuffer(MediaCalls.fileData(file));
      } else {
        body.appendString("\r\n\r\n").appendString(String.valueOf(value), StandardCharsets.UTF_8.name());
      }
      body.appendString("\r\n");
    }
    body.appendString("--" + boundary + "--\r\n");
    return new FileForm(body, "multipart/form-data; boundary=" + boundary);
  }

  /** A name as a quoted-string may carry it (no quote, no line break). */
  private static String quoted(String text) {
    return text.replace("\"", "%22").replace("\r", "%0D").replace("\n", "%0A");
  }
}
