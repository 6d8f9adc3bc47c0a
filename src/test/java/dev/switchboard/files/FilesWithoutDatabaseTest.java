package dev.switchboard.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.GatewayExtension;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.multipart.MultipartForm;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Without a database the gateway cannot say whose a file or batch is, so it refuses the Files and
 * Batches APIs (naming {@code database_url}) rather than pass them through for any key to read.
 */
@ExtendWith(VertxExtension.class)
class FilesWithoutDatabaseTest {

  private static final String MASTER = "sk-files-nodb";

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.withConfig(m -> """
      model_list:
        - {model_name: gpt-batch, litellm_params: {model: openai/gpt-4o-mini, api_base: "%s", api_key: sk-up}}
      general_settings: {master_key: %s, database_url: none}
      """.formatted(m.apiBase(), MASTER));

  private HttpResponse<Buffer> await(io.vertx.core.Future<HttpResponse<Buffer>> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void every_files_and_batches_call_is_a_400_naming_database_url_and_nothing_reaches_the_provider() throws Exception {
    int before = gw.mock().received().size();
    MultipartForm form = MultipartForm.create().attribute("purpose", "batch").attribute("model", "gpt-batch")
        .binaryFileUpload("file", "input.jsonl", Buffer.buffer("{}\n"), "application/jsonl");
    HttpResponse<Buffer> upload = await(gw.post("/v1/files").putHeader("Authorization", "Bearer " + MASTER).sendMultipartForm(form));
    HttpResponse<Buffer> list = await(gw.get("/v1/batches").putHeader("Authorization", "Bearer " + MASTER).send());
    HttpResponse<Buffer> retrieve = await(gw.get("/files/file-1").putHeader("Authorization", "Bearer " + MASTER).send());
    for (HttpResponse<Buffer> answer : new HttpResponse[] {upload, list, retrieve}) {
      assertEquals(400, answer.statusCode(), answer.bodyAsString());
      JsonObject error = answer.bodyAsJsonObject().getJsonObject("error");
      assertEquals("files_need_database", error.getString("code"));
      assertTrue(error.getString("message").contains("database_url"), error.getString("message"));
    }
    assertEquals(before, gw.mock().received().size());
  }
}
