package dev.switchboard.files;

import io.vertx.core.json.JsonObject;

/**
 * A file or batch created through the gateway: whose it is, the model group and deployment that keep
 * it, and the provider's last answer for it.
 *
 * @param kind         {@link #FILE} or {@link #BATCH}
 * @param owner        the SHA-256 of the key that created it, or {@link FileStore#MASTER_OWNER}
 * @param deploymentId the deployment every later call about it goes to
 * @param object       the provider's object (OpenAI's file or batch), as last read
 */
public record Owned(String kind, String id, String owner, String model, String deploymentId, JsonObject object) {

  public static final String FILE = "file";
  public static final String BATCH = "batch";

  public String status() {
    return object.getValue("status") instanceof String status ? status : null;
  }

  /** A batch's output and error files, as its owner's: its key may read them, though the provider made them. */
  public java.util.List<Owned> outputFiles() {
    java.util.List<Owned> files = new java.util.ArrayList<>(2);
    for (String field : new String[] {"output_file_id", "error_file_id"}) {
      if (BATCH.equals(kind) && object.getValue(field) instanceof String fileId) {
        files.add(new Owned(FILE, fileId, owner, model, deploymentId,
            new JsonObject().put("id", fileId).put("object", "file").put("purpose", "batch_output")));
      }
    }
    return files;
  }

  public Owned withObject(JsonObject latest) {
    return new Owned(kind, id, owner, model, deploymentId, latest);
  }
}
