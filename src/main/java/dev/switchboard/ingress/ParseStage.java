package dev.switchboard.ingress;

import dev.switchboard.pipeline.Stage;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Parses and validates the body: a 400 naming the first problem, before anything else is asked. */
final class ParseStage implements Stage<ModelCall> {

  @Override
  public String name() {
    return "parse";
  }

  @Override
  public Future<Void> before(ModelCall request) {
    request.call = ModelRequest.parse(request.operation, request.raw);
    // A stream would otherwise keep its whole prompt for minutes.
    request.raw = null;
    request.tags = tags(request.call.body().json());
    // Read now: a stream's body is released when its answer begins, before the spend row is built.
    request.clientMetadata = request.call.body().json().getValue("metadata") instanceof JsonObject metadata ? metadata : null;
    request.spans.root().setAttribute("gen_ai.request.model", request.call.model())
        .setAttribute("switchboard.stream", request.call.stream());
    return Future.succeededFuture();
  }

  /** {@code metadata.tags}, the strings among them. */
  private static List<String> tags(JsonObject body) {
    if (body.getValue("metadata") instanceof JsonObject metadata && metadata.getValue("tags") instanceof JsonArray tags) {
      List<String> out = new ArrayList<>(tags.size());
      tags.forEach(tag -> {
        if (tag instanceof String text) {
          out.add(text);
        }
      });
      return out;
    }
    return List.of();
  }
}
