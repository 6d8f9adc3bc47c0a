package dev.switchboard.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Gateway;
import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.Gateways;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.MockProvider.Behaviour;
import dev.switchboard.testing.Requests;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bucket sinks against mocks of S3 (path-style, through {@code s3_endpoint_url}) and of GCS with
 * its OAuth token endpoint: object names in LiteLLM's layout, the payload as the object, and the
 * credentials each store checks (a SigV4 signature recomputed here from what arrived; a bearer token
 * obtained with a JWT signed by the service account's key).
 */
@ExtendWith(VertxExtension.class)
class BucketSinksTest {

  static final String MASTER = "sk-bucket-master-0123456789";
  static final String ACCESS_KEY = "AKIDBUCKETTEST01";
  static final String SECRET_KEY = "bucket-secret-key-for-sigv4-test";
  static final String PROMPT = "What does the tide table say";

  /** One request as the mock store received it. */
  record Received(String method, String uri, String path, MultiMap headers, Buffer body) {
  }

  private final List<Received> received = new CopyOnWriteArrayList<>();
  private HttpServer store;
  private MockProvider mock;
  private Gateway gateway;
  private WebClient client;

  @AfterEach
  void stop(VertxTestContext ctx) {
    if (client != null) {
      client.close();
    }
    Future.join(gateway == null ? Future.succeededFuture() : gateway.close(),
        store == null ? Future.succeededFuture() : store.close(),
        mock == null ? Future.succeededFuture() : mock.stop()).onComplete(ctx.succeedingThenComplete());
  }

  private Future<Void> start(Vertx vertx, java.util.function.Function<String, String> litellm, Map<String, String> env,
      KeyPair googleKey) {
    mock = new MockProvider(vertx).on("broken", Behaviour.error(500, "{\"error\":{\"message\":\"boom\"}}", Map.of()));
    client = WebClient.create(vertx);
    return vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      received.add(new Received(request.method().name(), request.uri(), request.path(),
          MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), body));
      if (request.path().equals("/token")) {
        boolean signed = googleKey != null && jwtVerifies(body.toString(), googleKey);
        request.response().setStatusCode(signed ? 200 : 401).putHeader("content-type", "application/json")
            .end(signed ? "{\"access_token\":\"ya29.bucket-test\",\"expires_in\":3600,\"token_type\":\"Bearer\"}"
                : "{\"error\":\"invalid_grant\"}");
        return;
      }
      request.response().setStatusCode(200).putHeader("content-type", "application/json").end("{}");
    })).listen(0, "127.0.0.1").compose(s -> {
      store = s;
      return mock.start();
    }).compose(m -> {
      String base = "http://127.0.0.1:" + store.actualPort();
      Map<String, String> all = new HashMap<>(env);
      all.replaceAll((k, v) -> v.replace("{store}", base));
      return Gateways.start("""
          model_list:
            - {model_name: chat, litellm_params: {model: openai/gpt-4o, api_base: "%1$s", api_key: sk-up-1}, model_info: {id: chat-1}}
            - {model_name: broken, litellm_params: {model: openai/broken, api_base: "%1$s", api_key: sk-up-1}, model_info: {id: broken-1}}
          router_settings: {num_retries: 0}
          general_settings: {master_key: %2$s}
          litellm_settings:
            callback_flush_interval: 0.05
            %3$s
          """.formatted(m.apiBase(), MASTER, litellm.apply(base)), all, 2);
    }).map(g -> {
      gateway = g;
      return null;
    });
  }

  private Future<HttpResponse<Buffer>> chat(String model) {
    return client.post(gateway.port(), "127.0.0.1", "/v1/chat/completions")
        .putHeader("Authorization", "Bearer " + MASTER).sendJsonObject(Requests.chat(model).user(PROMPT).build());
  }

  private List<Received> to(String method, String pathPrefix) {
    return received.stream().filter(r -> r.method().equals(method) && r.path().startsWith(pathPrefix)).toList();
  }

  @Test
  void s3_puts_one_sigv4_signed_object_per_event_under_s3_path_and_the_day(Vertx vertx, VertxTestContext ctx) {
    start(vertx, base -> "callbacks: [\"s3\"]\n  s3_callback_params:\n    s3_bucket_name: llm-logs\n"
        + "    s3_region_name: eu-west-3\n    s3_endpoint_url: \"" + base + "\"\n    s3_path: proxy/team-a\n"
        + "    s3_aws_access_key_id: os.environ/LOG_AWS_KEY_ID\n    s3_aws_secret_access_key: os.environ/LOG_AWS_SECRET",
        Map.of("LOG_AWS_KEY_ID", ACCESS_KEY, "LOG_AWS_SECRET", SECRET_KEY), null)
        .compose(v -> chat("chat"))
        .compose(answer -> {
          assertEquals(200, answer.statusCode(), answer.bodyAsString());
          return chat("broken");
        })
        .compose(answer -> Awaits.until(vertx, () -> to("PUT", "/llm-logs/").size() >= 2, 10_000))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          List<Received> puts = to("PUT", "/llm-logs/");
          assertEquals(2, puts.size(), "one object per event, success and failure alike");
          Pattern key = Pattern.compile("/llm-logs/proxy/team-a/(\\d{4}-\\d{2}-\\d{2})/time-\\d{2}-\\d{2}-\\d{2}-\\d{6}_(.+)\\.json");
          for (Received put : puts) {
            Matcher m = key.matcher(put.path());
            assertTrue(m.matches(), put.path());
            JsonObject payload = put.body().toJsonObject();
            assertEquals(m.group(2), payload.getString("id"), "the object is named after the payload's id");
            assertEquals("application/json", put.headers().get("content-type"));
            assertEquals(HexFormat.of().formatHex(sha256(put.body().getBytes())), put.headers().get("x-amz-content-sha256"));
            assertTrue(put.headers().get("content-disposition").startsWith("inline; filename=\"time-"));
            assertSignature(put, "eu-west-3");
            assertFalse(put.body().toString().contains(SECRET_KEY));
          }
          JsonObject success = puts.stream().map(p -> p.body().toJsonObject())
              .filter(p -> "success".equals(p.getString("status"))).findFirst().orElseThrow();
          assertTrue(success.getValue("messages").toString().contains(PROMPT), success.encode());
          assertTrue(puts.stream().anyMatch(p -> "failure".equals(p.body().toJsonObject().getString("status"))));
          ctx.completeNow();
        })));
  }

  @Test
  void gcs_uploads_each_event_with_the_service_accounts_token(Vertx vertx, VertxTestContext ctx, @TempDir Path dir)
      throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair pair = generator.generateKeyPair();
    Path keyFile = dir.resolve("sa.json");
    String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(pair.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
    Files.writeString(keyFile, new JsonObject().put("type", "service_account").put("client_email",
        "logger@proj.iam.gserviceaccount.com").put("private_key_id", "kid-" + System.nanoTime())
        .put("private_key", pem).put("token_uri", "{store}/token").encode());
    // the key file names the mock's token endpoint: written once the port is known
    start(vertx, base -> {
      try {
        Files.writeString(keyFile, Files.readString(keyFile).replace("{store}", base));
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
      return "callbacks: [\"gcs_bucket\"]";
    }, Map.of("GCS_BUCKET_NAME", "llm-gcs-logs", "GCS_PATH_SERVICE_ACCOUNT", keyFile.toString(),
        "STORAGE_EMULATOR_HOST", "{store}"), pair)
        .compose(v -> chat("chat"))
        .compose(answer -> chat("broken"))
        .compose(answer -> Awaits.until(vertx, () -> to("POST", "/upload/storage/v1/b/llm-gcs-logs/o").size() >= 2,
            10_000))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertEquals(1, to("POST", "/token").size(), "one token serves both uploads");
          List<Received> uploads = to("POST", "/upload/storage/v1/b/llm-gcs-logs/o");
          assertEquals(2, uploads.size());
          for (Received upload : uploads) {
            assertEquals("Bearer ya29.bucket-test", upload.headers().get("authorization"));
            assertEquals("application/json", upload.headers().get("content-type"));
            Map<String, String> query = query(upload.uri());
            assertEquals("media", query.get("uploadType"));
            JsonObject payload = upload.body().toJsonObject();
            String name = query.get("name");
            if ("failure".equals(payload.getString("status"))) {
              assertTrue(name.matches("\\d{4}-\\d{2}-\\d{2}/failure-[0-9a-f]{32}"), name);
            } else {
              assertTrue(name.matches("\\d{4}-\\d{2}-\\d{2}/.+"), name);
              assertTrue(payload.getValue("messages").toString().contains(PROMPT), payload.encode());
            }
          }
          ctx.completeNow();
        })));
  }

  @Test
  void s3_without_a_bucket_name_stops_start_up_naming_the_setting(Vertx vertx, VertxTestContext ctx) {
    start(vertx, base -> "callbacks: [\"s3\"]\n  s3_callback_params: {s3_region_name: us-east-1}",
        Map.of("AWS_ACCESS_KEY_ID", ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", SECRET_KEY), null)
        .onComplete(ctx.failing(e -> ctx.verify(() -> {
          assertTrue(e.getMessage().contains("s3_bucket_name"), e.getMessage());
          ctx.completeNow();
        })));
  }

  /** AWS SigV4 worked out again from the request as it arrived: the header's shape and its signature. */
  private static void assertSignature(Received put, String region) throws Exception {
    String authorization = put.headers().get("authorization");
    Matcher auth = Pattern.compile("AWS4-HMAC-SHA256 Credential=" + ACCESS_KEY
        + "/(\\d{8})/" + region + "/s3/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})")
        .matcher(authorization);
    assertTrue(auth.matches(), authorization);
    List<String> signed = Arrays.asList(auth.group(2).split(";"));
    assertTrue(signed.containsAll(List.of("host", "x-amz-date", "x-amz-content-sha256", "content-md5")), auth.group(2));
    String amzDate = put.headers().get("x-amz-date");
    assertTrue(amzDate.startsWith(auth.group(1)), amzDate);
    TreeMap<String, String> canonical = new TreeMap<>();
    signed.forEach(h -> canonical.put(h, put.headers().get(h).trim()));
    StringBuilder request = new StringBuilder("PUT\n").append(put.path()).append("\n\n");
    canonical.forEach((name, value) -> request.append(name).append(':').append(value).append('\n'));
    request.append('\n').append(auth.group(2)).append('\n').append(put.headers().get("x-amz-content-sha256"));
    String scope = auth.group(1) + "/" + region + "/s3/aws4_request";
    String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n"
        + HexFormat.of().formatHex(sha256(request.toString().getBytes(StandardCharsets.UTF_8)));
    byte[] key = hmac(("AWS4" + SECRET_KEY).getBytes(StandardCharsets.UTF_8), auth.group(1));
    key = hmac(key, region);
    key = hmac(key, "s3");
    key = hmac(key, "aws4_request");
    assertEquals(HexFormat.of().formatHex(hmac(key, toSign)), auth.group(3), "the signature S3 would compute");
  }

  private static boolean jwtVerifies(String form, KeyPair pair) {
    try {
      Map<String, String> fields = query("?" + form);
      if (!"urn:ietf:params:oauth:grant-type:jwt-bearer".equals(fields.get("grant_type"))) {
        return false;
      }
      String[] jwt = fields.get("assertion").split("\\.");
      Signature rs256 = Signature.getInstance("SHA256withRSA");
      rs256.initVerify(pair.getPublic());
      rs256.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
      return rs256.verify(Base64.getUrlDecoder().decode(jwt[2]));
    } catch (Exception e) {
      return false;
    }
  }

  private static Map<String, String> query(String uri) {
    Map<String, String> out = new HashMap<>();
    String query = uri.substring(uri.indexOf('?') + 1);
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] hmac(byte[] key, String data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
  }
}
