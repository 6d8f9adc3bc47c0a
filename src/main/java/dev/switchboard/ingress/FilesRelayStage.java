package dev.switchboard.ingress;

import dev.switchboard.files.FileForm;
import dev.switchboard.files.FileStore;
import dev.switchboard.files.FilesUpstream;
import dev.switchboard.files.Owned;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The call itself: at the deployment for everything but a list (which the gateway answers from what
 * it recorded, so a key lists only its own files and batches), the answer recorded as the object's
 * latest state. A batch's output and error files become its owner's too, so its key can read them.
 */
final class FilesRelayStage implements dev.switchboard.pipeline.Stage<ModelCall> {

  private static final int FILES_LIST_MAX = 10_000;
  private static final int BATCHES_LIST_MAX = 100;

  private final FilesCall files;
  private final FileStore store;
  private final FilesUpstream upstream;

  FilesRelayStage(FilesCall files, FileStore store, FilesUpstream upstream) {
    this.files = files;
    this.store = store;
    this.upstream = upstream;
  }

  @Override
  public String name() {
    return "route";
  }

  @Override
  public Future<Void> before(ModelCall request) {
    if (files.action.lists()) {
      return list(request);
    }
    request.trace.direct(files.deployment);
    String resource = files.action.resource();
    String owner = StoredResponsesStage.owner(request.principal);
    Future<JsonObject> answered = switch (files.action) {
      case FILE_CREATE -> {
        FileForm form = FileForm.of(files.body);
        yield json(HttpMethod.POST, resource, "", form.contentType(), form)
            .compose(file -> remember(file, owner));
      }
      case BATCH_CREATE -> {
        JsonObject body = new JsonObject(new LinkedHashMap<>(files.body.getMap()));
        FileForm.GATEWAY_FIELDS.forEach(body::remove);
        yield upstream.json(files.deployment, HttpMethod.POST, resource, "", null, "application/json", body.toBuffer())
            .compose(batch -> remember(batch, owner));
      }
      case FILE_DELETE -> json(HttpMethod.DELETE, resource, "/" + files.id, null, null)
          .compose(deleted -> store.delete(Owned.FILE, files.id).map(deleted));
      case FILE_CONTENT -> content(request).map((JsonObject) null);
      case BATCH_CANCEL -> json(HttpMethod.POST, resource, "/" + files.id + "/cancel", null, null)
          .compose(batch -> remember(batch, files.owned.owner()));
      default -> json(HttpMethod.GET, resource, "/" + files.id, null, null)
          .compose(object -> remember(object, files.owned.owner()));
    };
    return answered.map(answer -> {
      files.answer = answer;
      return null;
    });
  }

  private Future<JsonObject> json(HttpMethod method, String resource, String path, String contentType, FileForm form) {
    return upstream.json(files.deployment, method, resource, path, null, contentType, form == null ? null : form.body());
  }

  /** Records the provider's object (and a batch's output files) for its owner; the answer is the object. */
  private Future<JsonObject> remember(JsonObject object, String owner) {
    String id = object.getValue("id") instanceof String text ? text : files.id;
    String model = files.owned != null ? files.owned.model() : files.deployment.modelGroup();
    Owned owned = new Owned(files.action.kind, id, owner, model, files.deployment.id(), object);
    Future<Void> saved = store.save(owned);
    for (Owned file : owned.outputFiles()) {
      saved = saved.compose(v -> store.adopt(file));
    }
    return saved.map(object);
  }

  /** The file's bytes, streamed from the provider to the client as they come. */
  private Future<Void> content(ModelCall request) {
    return upstream.send(files.deployment, HttpMethod.GET, "/files", "/" + files.id + "/content", null, null, null)
        .compose(response -> {
          if (response.statusCode() != 200) {
            return response.body().compose(body -> Future.failedFuture(FilesUpstream.refusal(files.deployment,
                response.statusCode(), FilesUpstream.objectOrNull(body))));
          }
          String type = response.getHeader(HttpHeaders.CONTENT_TYPE);
          request.response.putHeader(HttpHeaders.CONTENT_TYPE, type == null ? "application/octet-stream" : type);
          String length = response.getHeader(HttpHeaders.CONTENT_LENGTH);
          if (length != null) {
            request.response.putHeader(HttpHeaders.CONTENT_LENGTH, length);
          } else {
            request.response.setChunked(true);
          }
          return response.pipeTo(request.response);
        });
  }

  /** OpenAI's list shape, newest first, from what the gateway recorded for this key. */
  private Future<Void> list(ModelCall request) {
    boolean isFiles = files.action == FilesCall.Action.FILE_LIST;
    int max = isFiles ? FILES_LIST_MAX : BATCHES_LIST_MAX;
    int limit = limit(files.query.get("limit"), isFiles ? FILES_LIST_MAX : 20, max);
    String owner = StoredResponsesStage.owner(request.principal);
    return store.list(files.action.kind, owner, files.query.get("after"), limit + 1).map(rows -> {
      List<Owned> page = new ArrayList<>(rows.subList(0, Math.min(limit, rows.size())));
      JsonArray data = new JsonArray();
      page.forEach(owned -> data.add(owned.object()));
      files.answer = new JsonObject().put("object", "list").put("data", data)
          .put("first_id", page.isEmpty() ? null : page.get(0).id())
          .put("last_id", page.isEmpty() ? null : page.get(page.size() - 1).id())
          .put("has_more", rows.size() > limit);
      return null;
    });
  }

  private static int limit(String text, int fallback, int max) {
    if (text == null) {
      return fallback;
    }
    try {
      int limit = Integer.parseInt(text.trim());
      if (limit >= 1 && limit <= max) {
        return limit;
      }
    } catch (NumberFormatException notANumber) {
      // refused below
    }
    throw dev.switchboard.errors.GatewayError.badRequest("limit", "'limit' must be a whole number from 1 to " + max + ".");
  }
}
