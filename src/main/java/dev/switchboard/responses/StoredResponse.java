package dev.switchboard.responses;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * A Responses API answer the gateway produced by translation, kept so a follow-up can name it in
 * {@code previous_response_id} and so it can be read back or deleted.
 *
 * @param id        the response's id, as the client saw it
 * @param owner     who created it: the virtual key's hash, or {@link ResponseStore#MASTER_OWNER}
 * @param model     the model the client asked for
 * @param input     every input item that led to it: the earlier turns of its chain, then this turn's input
 * @param output    its output items (messages, function calls)
 * @param response  the response object as answered (for {@code GET /v1/responses/{id}})
 * @param expiresAt when it stops being found (and is purged)
 * @param deploymentId null for a response kept here; for one an OpenAI or Azure deployment keeps, that
 *                  deployment's id (the row records only whose it is and where it lives)
 */
public record StoredResponse(String id, String owner, String model, JsonArray input, JsonArray output,
    JsonObject response, Instant createdAt, Instant expiresAt, String deploymentId) {

  /** A response the provider keeps: only its owner and its deployment are recorded here. */
  public static StoredResponse atProvider(String id, String owner, String model, Instant createdAt, Instant expiresAt,
      String deploymentId) {
    return new StoredResponse(id, owner, model, new JsonArray(), new JsonArray(), new JsonObject(), createdAt,
        expiresAt, deploymentId);
  }

  public boolean atProvider() {
    return deploymentId != null;
  }

  /** Its chain as stored: its input items, then its output items, as they are listed. */
  public JsonArray history() {
    JsonArray items = input.copy();
    output.forEach(item -> items.add(((JsonObject) item).copy()));
    return items;
  }

  /**
   * The conversation a follow-up continues, as it is sent to a provider: its input items, then its output items, without the
   * ids and statuses the gateway gave them (a provider could take an id for one it should know), an
   * answer's text as a plain assistant message (what every provider, OpenAI's included, takes as input).
   */
  public JsonArray conversation() {
    JsonArray items = new JsonArray();
    for (JsonArray list : new JsonArray[] {input, output}) {
      for (Object item : list) {
        JsonObject copy = ((JsonObject) item).copy();
        copy.remove("id");
        copy.remove("status");
        if ("assistant".equals(copy.getValue("role")) && copy.getValue("content") instanceof JsonArray parts) {
          StringBuilder text = new StringBuilder();
          parts.forEach(part -> {
            if (part instanceof JsonObject object && object.getValue("text") instanceof String piece) {
              text.append(piece);
            }
          });
          copy.put("content", text.toString());
        }
        items.add(copy);
      }
    }
    return items;
  }
}
