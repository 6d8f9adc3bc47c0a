package dev.switchboard.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.batches.Batch;
import com.openai.models.batches.BatchCreateParams;
import com.openai.models.files.FileCreateParams;
import com.openai.models.files.FileObject;
import com.openai.models.files.FilePurpose;
import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.FilesMock;
import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.multipart.MultipartForm;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code /v1/files} and {@code /v1/batches} through the request pipeline, driven by the OpenAI SDK
 * and Vert.x's multipart encoder, against a strict mock of OpenAI's and Azure's Files and Batches
 * APIs: pass-through, scoping by key, refusals, and the batch's spend row once the poller sees it done.
 */
@ExtendWith(VertxExtension.class)
class FilesBatchesTest {

  private static final String MASTER = "sk-files-master";
  private static final String JSONL = "{\"custom_id\":\"r1\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\","
      + "\"body\":{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}}\n";

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.manual();

  private FilesMock files;

  @BeforeEach
  void start(Vertx vertx, TestInfo test) {
    // Only the poller's test polls often: the others count every call the provider sees.
    int pollSeconds = test.getDisplayName().contains("poller") ? 1 : 3600;
    files = await(new FilesMock(vertx).start());
    String url = TestDatabase.newDatabaseUrl();
    await(gw.start(new MockProvider(vertx), m -> """
        model_list:
          - model_name: gpt-batch
            litellm_params: {model: openai/gpt-4o-mini, api_base: "http://127.0.0.1:%1$d/v1", api_key: sk-up}
            model_info: {input_cost_per_token: 0.000002, output_cost_per_token: 0.000008}
          - model_name: azure-batch
            litellm_params: {model: azure/my-gpt, api_base: "http://127.0.0.1:%1$d", api_key: az-key, api_version: "2024-10-21"}
          - model_name: claude
            litellm_params: {model: anthropic/claude-sonnet-4-5, api_base: "http://127.0.0.1:%1$d", api_key: sk-ant}
        general_settings: {master_key: %2$s, database_url: "%3$s", proxy_batch_write_at: 0.05, proxy_batch_polling_interval: %4$d}
        """.formatted(files.port(), MASTER, url, pollSeconds)));
  }

  @AfterEach
  void stop() {
    await(files.stop());
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private OpenAIClient client(String key) {
    return OpenAIOkHttpClient.builder().apiKey(key).baseUrl("http://127.0.0.1:" + gw.port() + "/v1").maxRetries(0).build();
  }

  private String key(String... models) {
    JsonObject body = new JsonObject().put("models", new JsonArray(java.util.List.of((Object[]) models)));
    return await(gw.post("/key/generate").putHeader("Authorization", "Bearer " + MASTER).sendJsonObject(body))
        .bodyAsJsonObject().getString("key");
  }

  private HttpResponse<Buffer> call(HttpMethod method, String path, String key) {
    return await(gw.request(method, path).putHeader("Authorization", "Bearer " + key).send());
  }

  private HttpResponse<Buffer> upload(String path, String key, MultipartForm form) {
    return await(gw.post(path).putHeader("Authorization", "Bearer " + key).sendMultipartForm(form));
  }

  private HttpResponse<Buffer> batch(String key, JsonObject body) {
    return await(gw.post("/v1/batches").putHeader("Authorization", "Bearer " + key).sendJsonObject(body));
  }

  private static MultipartForm form(String model) {
    MultipartForm form = MultipartForm.create().attribute("purpose", "batch");
    if (model != null) {
      form.attribute("model", model);
    }
    return form.binaryFileUpload("file", "input.jsonl", Buffer.buffer(JSONL), "application/jsonl");
  }

  @Test
  void the_sdks_files_create_batches_create_and_retrieve_reach_openai_as_openai_takes_them() {
    String key = key("gpt-batch");
    OpenAIClient openai = client(key);
    try {
      FileObject file = openai.files().create(FileCreateParams.builder().file(JSONL.getBytes()).purpose(FilePurpose.BATCH)
          .putAdditionalHeader("x-litellm-model", "gpt-batch").build());
      assertTrue(file.id().startsWith("file-"), file.id());
      FilesMock.Received upload = files.last();
      assertEquals("/v1/files", upload.uri());
      assertEquals("Bearer sk-up", upload.headers().get("Authorization"));
      assertEquals("batch", upload.form().get("purpose"));

      Batch batch = openai.batches().create(BatchCreateParams.builder().inputFileId(file.id())
          .endpoint(BatchCreateParams.Endpoint.V1_CHAT_COMPLETIONS).completionWindow(BatchCreateParams.CompletionWindow._24H).build());
      assertEquals(file.id(), batch.inputFileId());
      FilesMock.Received created = files.received().stream().filter(r -> r.method() == HttpMethod.POST
          && r.uri().equals("/v1/batches")).findFirst().orElseThrow();
      assertEquals(new JsonObject().put("input_file_id", file.id()).put("endpoint", "/v1/chat/completions")
          .put("completion_window", "24h"), created.json(), "nothing of the gateway's reaches the provider");

      assertEquals(batch.id(), openai.batches().retrieve(batch.id()).id());
      assertEquals(file.id(), openai.files().retrieve(file.id()).id());
      assertEquals(JSONL, new String(readAll(openai.files().content(file.id()))));
    } finally {
      openai.close();
    }
  }

  private static byte[] readAll(com.openai.core.http.HttpResponse response) {
    try (response; var body = response.body()) {
      return body.readAllBytes();
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void a_file_or_batch_is_seen_only_by_the_key_that_created_it_and_the_master_key() {
    String owner = key("gpt-batch");
    String other = key("gpt-batch");
    HttpResponse<Buffer> uploaded = upload("/v1/files", owner, form("gpt-batch"));
    assertEquals(200, uploaded.statusCode(), uploaded.bodyAsString());
    String fileId = uploaded.bodyAsJsonObject().getString("id");
    String batchId = batch(owner, new JsonObject().put("input_file_id", fileId).put("endpoint", "/v1/chat/completions")
        .put("completion_window", "24h")).bodyAsJsonObject().getString("id");
    int calls = files.received().size();
    for (String path : new String[] {"/v1/files/" + fileId, "/files/" + fileId + "/content", "/v1/batches/" + batchId}) {
      HttpResponse<Buffer> refused = call(HttpMethod.GET, path, other);
      assertEquals(404, refused.statusCode(), path + " " + refused.bodyAsString());
      assertTrue(refused.bodyAsJsonObject().getJsonObject("error").getString("message").contains("this key"));
    }
    assertEquals(404, call(HttpMethod.POST, "/v1/batches/" + batchId + "/cancel", other).statusCode());
    assertEquals(404, call(HttpMethod.DELETE, "/v1/files/" + fileId, other).statusCode());
    assertEquals(400, batch(other, new JsonObject().put("input_file_id", fileId).put("endpoint", "/v1/chat/completions")
        .put("completion_window", "24h")).statusCode(), "another key's file is no input for its batch");
    assertEquals(calls, files.received().size(), "nothing asked of the provider for another key");
    assertEquals(0, call(HttpMethod.GET, "/v1/files", other).bodyAsJsonObject().getJsonArray("data").size());
    JsonObject own = call(HttpMethod.GET, "/v1/files", owner).bodyAsJsonObject();
    assertEquals("list", own.getString("object"));
    assertEquals(fileId, own.getJsonArray("data").getJsonObject(0).getString("id"));
    assertEquals(batchId, call(HttpMethod.GET, "/v1/batches", MASTER).bodyAsJsonObject().getJsonArray("data")
        .getJsonObject(0).getString("id"));
    assertEquals(200, call(HttpMethod.GET, "/v1/batches/" + batchId, MASTER).statusCode());
    HttpResponse<Buffer> cancelled = call(HttpMethod.POST, "/batches/" + batchId + "/cancel", owner);
    assertEquals("cancelling", cancelled.bodyAsJsonObject().getString("status"));
    assertTrue(call(HttpMethod.DELETE, "/v1/files/" + fileId, owner).bodyAsJsonObject().getBoolean("deleted"));
    assertEquals(404, call(HttpMethod.GET, "/v1/files/" + fileId, owner).statusCode());
  }

  @Test
  void bad_input_is_a_400_naming_the_field() {
    String key = key("gpt-batch");
    MultipartForm noPurpose = MultipartForm.create().attribute("model", "gpt-batch")
        .binaryFileUpload("file", "input.jsonl", Buffer.buffer(JSONL), "application/jsonl");
    assertParam("purpose", upload("/v1/files", key, noPurpose));
    assertParam("file", upload("/v1/files", key, MultipartForm.create().attribute("purpose", "batch").attribute("model", "gpt-batch")));
    assertParam("model", upload("/v1/files", key("claude"), form("claude")));
    assertParam("input_file_id", batch(key, new JsonObject().put("endpoint", "/v1/chat/completions").put("completion_window", "24h")));
    assertParam("endpoint", batch(key, new JsonObject().put("input_file_id", "file-1").put("endpoint", "/v1/nope").put("completion_window", "24h")));
    assertParam("completion_window", batch(key, new JsonObject().put("input_file_id", "file-1").put("endpoint", "/v1/chat/completions")));
    assertParam("input_file_id", batch(key, new JsonObject().put("input_file_id", "file-unknown").put("endpoint", "/v1/chat/completions").put("completion_window", "24h")));
    assertParam("limit", call(HttpMethod.GET, "/v1/batches?limit=0", key));
    assertTrue(files.received().isEmpty(), "no bad request reached the provider");
  }

  private static void assertParam(String param, HttpResponse<Buffer> answer) {
    assertEquals(400, answer.statusCode(), answer.bodyAsString());
    assertEquals(param, answer.bodyAsJsonObject().getJsonObject("error").getString("param"), answer.bodyAsString());
  }

  @Test
  void no_key_is_a_401_and_a_key_without_the_model_a_403() {
    HttpResponse<Buffer> anonymous = await(gw.post("/v1/files").sendMultipartForm(form("gpt-batch")));
    assertEquals(401, anonymous.statusCode());
    assertEquals(401, await(gw.get("/v1/batches").send()).statusCode());
    HttpResponse<Buffer> refused = upload("/v1/files", key("azure-batch"), form("gpt-batch"));
    assertEquals(403, refused.statusCode(), refused.bodyAsString());
    assertTrue(files.received().isEmpty());
  }

  @Test
  void the_keys_rate_limit_counts_files_and_batches_calls() {
    JsonObject body = new JsonObject().put("models", new JsonArray().add("gpt-batch")).put("rpm_limit", 1);
    String key = await(gw.post("/key/generate").putHeader("Authorization", "Bearer " + MASTER).sendJsonObject(body))
        .bodyAsJsonObject().getString("key");
    assertEquals(200, call(HttpMethod.GET, "/v1/files", key).statusCode());
    HttpResponse<Buffer> limited = call(HttpMethod.GET, "/v1/batches", key);
    assertEquals(429, limited.statusCode(), limited.bodyAsString());
  }

  @Test
  void an_azure_deployment_gets_azures_paths_and_api_key() {
    String key = key("azure-batch");
    HttpResponse<Buffer> uploaded = upload("/openai/files", key, form("azure-batch"));
    assertEquals(200, uploaded.statusCode(), uploaded.bodyAsString());
    assertEquals("/openai/files?api-version=2024-10-21", files.last().uri());
    assertEquals("az-key", files.last().headers().get("api-key"));
    assertNull(files.last().headers().get("Authorization"));
    String fileId = uploaded.bodyAsJsonObject().getString("id");
    HttpResponse<Buffer> created = batch(key, new JsonObject().put("input_file_id", fileId).put("endpoint", "/chat/completions")
        .put("completion_window", "24h"));
    assertEquals(200, created.statusCode(), created.bodyAsString());
    assertEquals("/openai/batches?api-version=2024-10-21", files.last().uri());
  }

  @Test
  void a_completed_batch_is_charged_once_at_half_price_by_the_poller(Vertx vertx) {
    String key = key("gpt-batch");
    String fileId = upload("/v1/files", key, form("gpt-batch")).bodyAsJsonObject().getString("id");
    String batchId = batch(key, new JsonObject().put("input_file_id", fileId).put("endpoint", "/v1/chat/completions")
        .put("completion_window", "24h")).bodyAsJsonObject().getString("id");
    String ok = "{\"id\":\"r-%d\",\"custom_id\":\"r%d\",\"response\":{\"status_code\":200,\"body\":{\"usage\":"
        + "{\"prompt_tokens\":100,\"completion_tokens\":50,\"total_tokens\":150}}},\"error\":null}\n";
    files.complete(batchId, ok.formatted(1, 1) + ok.formatted(2, 2)
        + "{\"id\":\"r-3\",\"custom_id\":\"r3\",\"response\":{\"status_code\":400,\"body\":{}},\"error\":null}\n");
    await(Awaits.until(vertx, () -> spendRows(vertx, key).stream()
        .anyMatch(row -> "aretrieve_batch".equals(((JsonObject) row).getString("call_type"))), 20_000));
    JsonArray rows = spendRows(vertx, key);
    JsonObject cost = rows.stream().map(JsonObject.class::cast)
        .filter(row -> "aretrieve_batch".equals(row.getString("call_type"))).findFirst().orElseThrow();
    assertEquals(batchId + "_batch_cost", cost.getString("request_id"));
    assertEquals(200, cost.getInteger("prompt_tokens"));
    assertEquals(100, cost.getInteger("completion_tokens"));
    assertEquals((200 * 0.000002 + 100 * 0.000008) / 2, cost.getDouble("spend"), 1e-12);
    assertTrue(rows.stream().map(JsonObject.class::cast).anyMatch(row -> "acreate_file".equals(row.getString("call_type"))));
    assertTrue(rows.stream().map(JsonObject.class::cast).anyMatch(row -> "acreate_batch".equals(row.getString("call_type"))));
    String outputId = call(HttpMethod.GET, "/v1/batches/" + batchId, key).bodyAsJsonObject().getString("output_file_id");
    assertTrue(call(HttpMethod.GET, "/v1/files/" + outputId + "/content", key).bodyAsString().contains("r-2"),
        "the batch's output file is its key's to read");
    long charged = spendRows(vertx, key).stream().map(JsonObject.class::cast)
        .filter(row -> "aretrieve_batch".equals(row.getString("call_type")) && row.getString("request_id").endsWith("_batch_cost")).count();
    assertEquals(1, charged);
    assertFalse(cost.getDouble("spend") == 0);
  }

  private JsonArray spendRows(Vertx vertx, String key) {
    return await(gw.get("/spend/logs").putHeader("Authorization", "Bearer " + MASTER).addQueryParam("api_key", key).send())
        .bodyAsJsonArray();
  }
}
