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
 * What the model management tests share: two mock upstreams, a gateway started from a config file
 * (so a reload reads it), the master key's calls, and every answer and log line kept, to check that
 * the provider key is in none of them.
 */
@ExtendWith(VertxExtension.class)
abstract class ModelManagementFixture {

  static final String MASTER = "sk-master-models";
  static final String UPSTREAM_KEY = "sk-upstream-secret-0123456789";

  MockProvider first;
  MockProvider second;
  WebClient client;
  Gateway gateway;
  final Path file = Gateways.configFile();
  /** Every answer body the gateway gave in the test, to check none holds the provider key. */
  final List<String> answers = new ArrayList<>();
  /** Every log line of the test, to check none holds the provider key. */
  final List<String> logged = new CopyOnWriteArrayList<>();
  final Handler logs = new Handler() {
    @Override
    public void publish(LogRecord record) {
      logged.add(String.valueOf(record.getMessage()) + " " + java.util.Arrays.toString(record.getParameters())
          + (record.getThrown() == null ? "" : " " + record.getThrown()));
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  };

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    first = new MockProvider(vertx);
    second = new MockProvider(vertx);
    client = WebClient.create(vertx);
    Logger.getLogger("").addHandler(logs);
    first.start().compose(s -> second.start()).onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  void stop(VertxTestContext ctx) {
    Logger.getLogger("").removeHandler(logs);
    client.close();
    (gateway == null ? Future.<Void>succeededFuture() : gateway.close()).eventually(first::stop)
        .eventually(second::stop).onComplete(done -> ctx.completeNow());
  }

  String config(String database, boolean store) {
    return "model_list:\n  - {model_name: from-file, litellm_params: {model: openai/from-file, api_base: \""
        + first.apiBase() + "\", api_key: sk-file}, model_info: {id: file-1}}\n"
        + "general_settings: {master_key: " + MASTER + ", database_url: \"" + database + "\", store_model_in_db: "
        + store + "}\n";
  }

  Future<Gateway> gateway(String yaml) {
    return Gateways.startFromFile(file, yaml).onSuccess(started -> gateway = started);
  }

  Future<HttpResponse<Buffer>> call(HttpMethod method, String path, String key, JsonObject body) {
    return client.request(method, gateway.port(), "127.0.0.1", path).putHeader("Authorization", "Bearer " + key)
        .sendJsonObject(body).onSuccess(answer -> answers.add(answer.bodyAsString()));
  }

  Future<HttpResponse<Buffer>> post(String path, JsonObject body) {
    return call(HttpMethod.POST, path, MASTER, body);
  }

  Future<HttpResponse<Buffer>> get(String path) {
    return client.get(gateway.port(), "127.0.0.1", path).putHeader("Authorization", "Bearer " + MASTER).send()
        .onSuccess(answer -> answers.add(answer.bodyAsString()));
  }

  Future<HttpResponse<Buffer>> chat(String model) {
    return post("/v1/chat/completions", Requests.hi(model));
  }

  static JsonObject newModel(String apiBase) {
    return new JsonObject().put("model_name", "runtime-model")
        .put("litellm_params", new JsonObject().put("model", "openai/gpt-4o-mini").put("api_base", apiBase)
            .put("api_key", UPSTREAM_KEY))
        .put("model_info", new JsonObject().put("id", "rt-1").put("team_note", "kept as given"));
  }
}
