package dev.switchboard.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Gateway;
import dev.switchboard.testing.Gateways;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.Requests;
import dev.switchboard.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the model management endpoints refuse, with LiteLLM's statuses and messages and the field
 * named; the provider key sealed in Postgres, never in an answer or the log.
 */
@ExtendWith(VertxExtension.class)
class ModelManagementRefusalsTest extends ModelManagementFixture {

  private static void refused(HttpResponse<Buffer> answer, int status, String param, String says) {
    assertEquals(status, answer.statusCode(), answer.bodyAsString());
    JsonObject error = answer.bodyAsJsonObject().getJsonObject("error");
    assertEquals(param, error.getString("param"), answer.bodyAsString());
    assertTrue(error.getString("message").contains(says), answer.bodyAsString());
  }

  private static JsonObject withParam(String field, Object value) {
    JsonObject body = newModel("http://127.0.0.1:9/v1");
    body.getJsonObject("litellm_params").put(field, value);
    return body;
  }

  @Test
  void refusals_name_the_field_with_litellm_statuses_and_the_key_is_sealed_at_rest(Vertx vertx, VertxTestContext ctx) {
    String database = TestDatabase.newDatabaseUrl();
    String[] key = new String[1];
    gateway(config(database, true))
        .compose(g -> post("/key/generate", new JsonObject()))
        .compose(generated -> {
          key[0] = generated.bodyAsJsonObject().getString("key");
          return call(HttpMethod.POST, "/model/new", key[0], newModel(first.apiBase()));
        })
        .compose(notAdmin -> {
          ctx.verify(() -> assertEquals(403, notAdmin.statusCode(), notAdmin.bodyAsString()));
          JsonObject unnamed = newModel(first.apiBase());
          unnamed.remove("model_name");
          return post("/model/new", unnamed);
        })
        .compose(unnamed -> {
          ctx.verify(() -> refused(unnamed, 400, "model_name", "model_name is required"));
          return post("/model/new", withParam("model", "madeup/some-model"));
        })
        .compose(unknownProvider -> {
          ctx.verify(() -> refused(unknownProvider, 400, "litellm_params.model", "unknown provider 'madeup'"));
          return post("/model/new", withParam("model", null));
        })
        .compose(noModel -> {
          ctx.verify(() -> refused(noModel, 400, "litellm_params.model", "litellm_params.model is required"));
          return post("/model/new", withParam("guardrails", "strict"));
        })
        .compose(unknownField -> {
          ctx.verify(() -> refused(unknownField, 400, "litellm_params.guardrails", "not a field"));
          return post("/model/new", newModel(first.apiBase()).put("model_info", new JsonObject().put("id", "file-1")));
        })
        .compose(fileId -> {
          ctx.verify(() -> refused(fileId, 400, "model_info.id", "already exists"));
          return post("/model/new", newModel(first.apiBase()));
        })
        .compose(added -> {
          ctx.verify(() -> assertEquals(200, added.statusCode(), added.bodyAsString()));
          return post("/model/new", newModel(first.apiBase()));
        })
        .compose(duplicate -> {
          ctx.verify(() -> refused(duplicate, 400, "model_info.id", "already exists"));
          return call(HttpMethod.PATCH, "/model/file-1/update", MASTER, new JsonObject().put("model_name", "x"));
        })
        .compose(fileModel -> {
          ctx.verify(() -> refused(fileModel, 400, null, "Cannot edit config-based model"));
          return call(HttpMethod.PATCH, "/model/nope/update", MASTER, new JsonObject().put("model_name", "x"));
        })
        .compose(unknownPatch -> {
          ctx.verify(() -> refused(unknownPatch, 404, "model_id", "Model nope not found on proxy."));
          return post("/model/update", new JsonObject().put("model_info", new JsonObject().put("id", "file-1"))
              .put("litellm_params", new JsonObject().put("rpm", 5)));
        })
        .compose(fileUpdate -> {
          ctx.verify(() -> refused(fileUpdate, 400, null, "Model in config"));
          return post("/model/update", new JsonObject().put("litellm_params", new JsonObject().put("rpm", 5)));
        })
        .compose(noId -> {
          ctx.verify(() -> refused(noId, 400, "model_info", "model_info not provided"));
          return post("/model/delete", new JsonObject().put("id", "file-1"));
        })
        .compose(fileDelete -> {
          ctx.verify(() -> refused(fileDelete, 400, "id", "Model with id=file-1 not found in db"));
          Pool pool = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(database)).using(vertx).build();
          return pool.query("SELECT litellm_params->>'api_key' AS api_key, litellm_params::text AS params "
              + "FROM proxy_models WHERE model_id = 'rt-1'").execute().eventually(pool::close);
        })
        .compose(rows -> {
          ctx.verify(() -> {
            Row row = rows.iterator().next();
            assertTrue(row.getString("api_key").startsWith("sb-sealed:v1:"), "sealed at rest");
            assertFalse(row.getString("params").contains(UPSTREAM_KEY), "no provider key in clear at rest");
          });
          return gateway.close().compose(closed -> gateway(config(database, false)));
        })
        .compose(storeOff -> post("/model/new", newModel(second.apiBase()).put("model_info",
            new JsonObject().put("id", "rt-2"))))
        .compose(off -> {
          ctx.verify(() -> refused(off, 500, null, "STORE_MODEL_IN_DB"));
          return call(HttpMethod.PATCH, "/model/rt-1/update", MASTER, new JsonObject().put("model_name", "x"));
        })
        .compose(patchOff -> {
          ctx.verify(() -> refused(patchOff, 400, null, "Model updates only supported for DB-stored models"));
          return chat("runtime-model");
        })
        .onComplete(ctx.succeeding(inert -> ctx.verify(() -> {
          assertTrue(inert.statusCode() == 400 || inert.statusCode() == 404, "stored rows are inert with the flag off");
          answers.forEach(answer -> assertFalse(answer.contains(UPSTREAM_KEY), "provider key in an answer: " + answer));
          logged.forEach(line -> assertFalse(line.contains(UPSTREAM_KEY), "provider key logged: " + line));
          assertFalse(logged.isEmpty(), "the log was watched");
          ctx.completeNow();
        })));
  }
}
