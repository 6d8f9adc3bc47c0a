package dev.switchboard.cache.semantic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.switchboard.model.Operation;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The in-memory semantic store, RediSearch's command mapping and the text LiteLLM embeds. */
class SemanticStoresTest {

  private static SemanticStore.Answer answer(String text) {
    return new SemanticStore.Answer(Buffer.buffer(text), 0);
  }

  @Test
  void memory_store_matches_by_cosine_within_a_partition_expires_and_stays_bounded() {
    AtomicLong now = new AtomicLong(1_000);
    MemorySemanticStore store = new MemorySemanticStore(2, now::get);
    store.put("team-a", new float[] {1, 0}, "p", answer("A"), 10_000);
    SemanticStore.Match hit = store.nearest("team-a", new float[] {0.96f, 0.28f}, 0.9).result();
    assertNotNull(hit);
    assertEquals("A", hit.entry().body().toString());
    assertEquals(0.96, hit.similarity(), 1e-6);
    assertNull(store.nearest("team-a", new float[] {0.5f, 0.866f}, 0.9).result(), "cosine 0.5 is below 0.9");
    assertNull(store.nearest("team-b", new float[] {1, 0}, 0.9).result(), "another partition never matches");
    store.put("team-a", new float[] {0, 1}, "q", answer("B"), 10_000);
    store.put("team-a", new float[] {-1, 0}, "r", answer("C"), 10_000);
    assertEquals(2, store.size(), "bounded: the oldest went");
    assertNull(store.nearest("team-a", new float[] {1, 0}, 0.9).result());
    now.addAndGet(10_001);
    assertNull(store.nearest("team-a", new float[] {0, 1}, 0.9).result(), "expired");
  }

  @Test
  void redisearch_commands_create_an_hnsw_cosine_index_and_search_knn_in_the_partition() {
    assertEquals(List.of("idx", "ON", "HASH", "PREFIX", "1", "switchboard:semantic:idx:", "SCHEMA", "partition", "TAG",
        "vector", "VECTOR", "HNSW", "6", "TYPE", "FLOAT32", "DIM", "3", "DISTANCE_METRIC", "COSINE"),
        RediSearchCommands.describe(RediSearchCommands.create("idx", 3)));
    assertEquals(List.of("idx", "@partition:{abc}=>[KNN 1 @vector $vec AS distance]", "PARAMS", "2", "vec",
        "<12 bytes>", "SORTBY", "distance", "ASC", "RETURN", "3", "distance", "response", "stored_at", "LIMIT", "0",
        "1", "DIALECT", "2"), RediSearchCommands.describe(RediSearchCommands.search("idx", "abc", new float[] {1, 2, 3})));
    assertEquals(32, RedisSemanticStore.tag("sb:team:a").length(), "hex: no TAG escaping needed");
  }

  @Test
  void the_embedded_text_is_litellms_messages_contents_joined_and_the_partition_drops_only_the_prompt() {
    JsonObject chat = new JsonObject().put("model", "m").put("temperature", 0.2).put("messages", new JsonArray()
        .add(new JsonObject().put("role", "system").put("content", "Be brief."))
        .add(new JsonObject().put("role", "user").put("content", new JsonArray()
            .add(new JsonObject().put("type", "text").put("text", "Hi "))
            .add(new JsonObject().put("type", "image_url").put("image_url", new JsonObject().put("url", "x")))
            .add(new JsonObject().put("type", "text").put("text", "there")))));
    assertEquals("Be brief.Hi there", SemanticPrompt.text(Operation.CHAT, chat));
    assertEquals(new JsonObject().put("model", "m").put("temperature", 0.2),
        SemanticPrompt.withoutPrompt(Operation.CHAT, chat));
    assertEquals("a\nb", SemanticPrompt.text(Operation.RESPONSES, new JsonObject().put("input", new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", " a ")).add("b"))));
    assertNull(SemanticPrompt.text(Operation.CHAT, new JsonObject().put("messages", new JsonArray())));
  }
}
