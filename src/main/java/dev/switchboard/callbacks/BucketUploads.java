package dev.switchboard.callbacks;

import dev.switchboard.config.CallbackSettings;
import dev.switchboard.provider.CloudAuth;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The bucket sinks: neither S3 nor GCS takes many objects in one call, so a batch is one object per
 * event (LiteLLM's layout), uploaded one after the other; the batch fails when one upload fails and
 * is tried again whole, which rewrites the same object names.
 */
final class BucketUploads {

  static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
  static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH-mm-ss-SSSSSS").withZone(ZoneOffset.UTC);
  static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss-SSSSSS")
      .withZone(ZoneOffset.UTC);

  private BucketUploads() {
  }

  /** S3: a SigV4-signed PUT per event to {@code {s3_path/}YYYY-MM-DD/time-HH-MM-SS-ffffff_{id}.json}. */
  static Function<List<JsonObject>, Future<Void>> s3(HttpClientAgent client, CallbackSettings.Sink sink, Clock clock) {
    return payloads -> each(payloads, payload -> {
      Instant start = start(payload);
      String id = String.valueOf(payload.getValue("id"));
      String key = s3Key(sink.extra().get("path"), start, id);
      byte[] body = payload.encode().getBytes(StandardCharsets.UTF_8);
      String url = sink.url() + "/" + encodePath(key);
      MultiMap headers = MultiMap.caseInsensitiveMultiMap()
          .add("content-type", "application/json")
          .add("content-md5", Base64.getEncoder().encodeToString(digest("MD5", body)))
          .add("x-amz-content-sha256", HexFormat.of().formatHex(digest("SHA-256", body)))
          .add("content-disposition", "inline; filename=\"time-" + STAMP.format(start) + "_"
              + id.replace("/", "_").replace("\"", "_") + ".json\"")
          .add("cache-control", "private, immutable, max-age=31536000, s-maxage=0");
      CloudAuth.signS3("PUT", URI.create(url), headers, body, sink.extra().get("access_key_id"),
          sink.extra().get("secret_access_key"), sink.extra().get("session_token"), sink.extra().get("region"), clock)
          .forEach((name, values) -> {
            if (!"host".equalsIgnoreCase(name)) { // Vert.x writes the host the signature covers
              headers.set(name, values);
            }
          });
      return send(client, HttpMethod.PUT, url, headers, Buffer.buffer(body), "s3");
    });
  }

  static String s3Key(String path, Instant start, String id) {
    String prefix = path == null || path.isEmpty() ? "" : (path.endsWith("/") ? path.substring(0, path.length() - 1)
        : path) + "/";
    return prefix + DAY.format(start) + "/time-" + TIME.format(start) + "_" + id.replace("/", "_") + ".json";
  }

  /**
   * GCS: a media upload per event, with the service account's bearer token, named
   * {@code YYYY-MM-DD/{response id}} (a failure: {@code YYYY-MM-DD/failure-{hex}}), the day the upload runs.
   */
  static Function<List<JsonObject>, Future<Void>> gcs(HttpClientAgent client, CallbackSettings.Sink sink,
      Clock clock) {
    String keyJson = sink.extra().get("key_json");
    return payloads -> CloudAuth.googleToken(client, keyJson).compose(token -> each(payloads, payload -> {
      String name = gcsName(payload, clock.instant());
      String url = sink.url() + "?uploadType=media&name=" + URLEncoder.encode(name, StandardCharsets.UTF_8);
      MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("content-type", "application/json")
          .add("authorization", "Bearer " + token);
      return send(client, HttpMethod.POST, url, headers, payload.toBuffer(), "gcs_bucket");
    }));
  }

  static String gcsName(JsonObject payload, Instant now) {
    String day = DAY.format(now);
    String id = String.valueOf(payload.getValue("id"));
    if (payload.getValue("error_str") != null) {
      // Derived from the request id, not random: a retried batch rewrites the same object.
      return day + "/failure-" + UUID.nameUUIDFromBytes(id.getBytes(StandardCharsets.UTF_8)).toString().replace("-", "");
    }
    Object response = payload.getValue("response");
    String responseId = response instanceof JsonObject answer && answer.getValue("id") instanceof String rid ? rid : id;
    return day + "/" + responseId;
  }

  private static Instant start(JsonObject payload) {
    Object seconds = payload.getValue("startTime");
    return seconds instanceof Number n ? Instant.ofEpochSecond(0, Math.round(n.doubleValue() * 1e9)) : Instant.now();
  }

  private static Future<Void> each(List<JsonObject> payloads, Function<JsonObject, Future<Void>> upload) {
    Future<Void> chain = Future.succeededFuture();
    for (JsonObject payload : payloads) {
      chain = chain.compose(v -> upload.apply(payload));
    }
    return chain;
  }

  private static Future<Void> send(HttpClientAgent client, HttpMethod method, String url, MultiMap headers,
      Buffer body, String sink) {
    RequestOptions options = new RequestOptions().setMethod(method).setAbsoluteURI(url)
        .setConnectTimeout(Callbacks.POST_TIMEOUT_MS).setIdleTimeout(Callbacks.POST_TIMEOUT_MS).setHeaders(headers);
    return client.request(options)
        .compose(request -> request.send(body))
        .compose(response -> response.body().compose(answer -> response.statusCode() / 100 == 2
            ? Future.<Void>succeededFuture()
            : Future.failedFuture("HTTP " + response.statusCode() + " from " + sink)))
        .timeout(Callbacks.POST_TIMEOUT_MS * 2, TimeUnit.MILLISECONDS);
  }

  /** Each segment percent-encoded once, the slashes kept: the path S3 checks the signature against. */
  static String encodePath(String key) {
    return java.util.Arrays.stream(key.split("/", -1))
        .map(segment -> URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A")
            .replace("%7E", "~"))
        .collect(java.util.stream.Collectors.joining("/"));
  }

  private static byte[] digest(String algorithm, byte[] body) {
    try {
      return MessageDigest.getInstance(algorithm).digest(body);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm, e);
    }
  }
}
