package dev.switchboard.ingress;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What a Responses API call needs kept until its answer, to store it: the whole input it was
 * answered from (the earlier turns of its chain included), held before the body is let go. The
 * input is held as sent (the relay never changes it) and made into stored items only if it is
 * stored, so a call the provider keeps costs no copy.
 *
 * @param previousResponseId the response it continues, or null
 * @param input              the input as sent (a string or items), the earlier turns in front of it
 */
record ResponsesTurn(String previousResponseId, Object input) {

  /** Every input item, each with an id (as OpenAI lists them). */
  JsonArray items() {
    return items(input);
  }

  /** A Responses {@code input} (a string, or items) as items, each with the id OpenAI gives input items. */
  static JsonArray items(Object input) {
    JsonArray items = new JsonArray();
    if (input instanceof String text) {
      items.add(userText(text));
    } else if (input instanceof JsonArray list) {
      list.forEach(item -> items.add(((JsonObject) item).copy()));
    }
    for (int i = 0; i < items.size(); i++) {
      JsonObject item = items.getJsonObject(i);
      if (item.getValue("type") == null) {
        item.put("type", "message");
      }
      if ("message".equals(item.getValue("type")) && !"assistant".equals(item.getValue("role"))
          && item.getValue("content") instanceof String text) {
        // Listed as OpenAI lists an input message: its text as an input_text part.
        item.put("content", new JsonArray().add(new JsonObject().put("type", "input_text").put("text", text)));
      }
      if (!(item.getValue("id") instanceof String)) {
        item.put("id", StoredResponsesStage.newId("message".equals(item.getString("type")) ? "msg_" : "item_"));
      }
    }
    return items;
  }

  private static JsonObject userText(String text) {
    return new JsonObject().put("type", "message").put("role", "user")
        .put("content", new JsonArray().add(new JsonObject().put("type", "input_text").put("text", text)));
  }

  /** The response as it is answered and stored: what it continued, and that it was stored. */
  JsonObject describe(JsonObject response) {
    return response.put("store", true).put("previous_response_id", previousResponseId);
  }
}
