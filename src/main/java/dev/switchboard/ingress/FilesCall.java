package dev.switchboard.ingress;

import dev.switchboard.files.Owned;
import dev.switchboard.model.Deployment;
import io.vertx.core.json.JsonObject;

/** One Files or Batches API call: what is asked, of which object, and (once known) where it lives. */
final class FilesCall {

  /** Each call with LiteLLM's call type for its spend row. */
  enum Action {
    FILE_CREATE(Owned.FILE, "acreate_file"),
    FILE_LIST(Owned.FILE, "afile_list"),
    FILE_RETRIEVE(Owned.FILE, "afile_retrieve"),
    FILE_DELETE(Owned.FILE, "afile_delete"),
    FILE_CONTENT(Owned.FILE, "afile_content"),
    BATCH_CREATE(Owned.BATCH, "acreate_batch"),
    BATCH_LIST(Owned.BATCH, "alist_batches"),
    BATCH_RETRIEVE(Owned.BATCH, "aretrieve_batch"),
    BATCH_CANCEL(Owned.BATCH, "acancel_batch");

    final String kind;
    final String callType;

    Action(String kind, String callType) {
      this.kind = kind;
      this.callType = callType;
    }

    boolean creates() {
      return this == FILE_CREATE || this == BATCH_CREATE;
    }

    boolean lists() {
      return this == FILE_LIST || this == BATCH_LIST;
    }

    String resource() {
      return Owned.FILE.equals(kind) ? "/files" : "/batches";
    }
  }

  final Action action;
  /** The id in the path, or null for create and list. */
  final String id;
  /** The provider named by the path ({@code /openai/v1/files}) or null. */
  final String pathProvider;
  /** The query string's parameters ({@code model}, {@code custom_llm_provider}, {@code limit}, {@code after}). */
  final io.vertx.core.MultiMap query;
  /** The form (file upload) or JSON body (batch create); empty for the others. */
  JsonObject body = new JsonObject();
  /** The object the call is about, once found for the caller. */
  Owned owned;
  Deployment deployment;
  /** A parameter from the body, else the query string; null when blank or absent. */
  String param(String name) {
    Object value = body.getValue(name);
    String text = value instanceof String s ? s : query.get(name);
    return text == null || text.isBlank() ? null : text.trim();
  }

  /** The JSON answer, or null when the answer was streamed (file content). */
  JsonObject answer;

  FilesCall(Action action, String id, String pathProvider, io.vertx.core.MultiMap query) {
    this.action = action;
    this.query = query;
    this.id = id;
    this.pathProvider = pathProvider;
  }
}
