package dev.switchboard.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.switchboard.model.CallBody;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Whom a request is for, looked for where LiteLLM looks, in its order. */
class EndUsersTest {

  private static CallBody body(JsonObject json) {
    return new CallBody(json.put("model", "chat"));
  }

  @Test
  void the_standard_headers_come_first_then_user_then_the_metadata_fields() {
    JsonObject all = new JsonObject().put("user", "from-body")
        .put("litellm_metadata", new JsonObject().put("user", "from-litellm-metadata"))
        .put("metadata", new JsonObject().put("user_id", "from-metadata"));
    assertEquals("from-customer-header", EndUsers.of(MultiMap.caseInsensitiveMultiMap()
        .add("X-LiteLLM-Customer-Id", "from-customer-header").add("x-litellm-end-user-id", "from-end-user-header"),
        body(all.copy())));
    assertEquals("from-end-user-header", EndUsers.of(MultiMap.caseInsensitiveMultiMap()
        .add("x-litellm-end-user-id", "from-end-user-header").add("x-litellm-customer-id", " "), body(all.copy())));
    assertEquals("from-body", EndUsers.of(MultiMap.caseInsensitiveMultiMap(), body(all.copy())));
    JsonObject noUser = all.copy();
    noUser.remove("user");
    assertEquals("from-litellm-metadata", EndUsers.of(MultiMap.caseInsensitiveMultiMap(), body(noUser.copy())));
    noUser.remove("litellm_metadata");
    assertEquals("from-metadata", EndUsers.of(MultiMap.caseInsensitiveMultiMap(), body(noUser)));
    assertNull(EndUsers.of(MultiMap.caseInsensitiveMultiMap(), body(new JsonObject().put("user", 42))));
  }
}
