package dev.switchboard.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.AnthropicWire;
import dev.switchboard.testing.CohereMock;
import dev.switchboard.testing.BedrockMock;
import dev.switchboard.testing.GatewayJvm;
import dev.switchboard.testing.GeminiMock;
import dev.switchboard.testing.Gateways;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.OllamaMock;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.RecordParser;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tool-call arguments are relayed, never accumulated: 50 MB of streamed arguments pass through a
 * gateway whose whole heap is capped at 48 MB (its own JVM), and one event past the configured cap
 * ends the stream with a clear error instead of growing a buffer. Streams let their request go once
 * they begin: 24 streams of 2 MB prompts stay open at once in the same 48 MB.
 */
@Tag("slow")
@ExtendWith(VertxExtension.class)
// Gateways in their own JVMs (and clusters) start slowly on a loaded machine: bounds are generous.
@Timeout(value = 3, timeUnit = TimeUnit.MINUTES)
class BoundedStreamMemoryTest {

  private static final String HEAP_CAP = "-Xmx48m";

  @TempDir
  Path dir;

  @RegisterExtension
  final GatewayJvm jvm = new GatewayJvm();

  private Process gatewayProcess;
  private MockProvider mock;
  private GeminiMock gemini;
  private OllamaMock ollama;
  private CohereMock cohere;
  private BedrockMock bedrock;
  private HttpClient client;

  @AfterEach
  void stop(VertxTestContext ctx) {
    if (client != null) {
      client.close();
    }
    Future.join(mock == null ? Future.succeededFuture() : mock.stop(), gemini == null ? Future.succeededFuture() : gemini.stop(),
            ollama == null ? Future.succeededFuture() : ollama.stop(), cohere == null ? Future.succeededFuture() : cohere.stop(),
            bedrock == null ? Future.succeededFuture() : bedrock.stop())
        .onComplete(ctx.succeedingThenComplete());
  }

  /** The gateway as operators run it, in a JVM of its own with a small heap. */
  private int startGatewayProcess(String yaml) throws IOException {
    Path config = Files.writeString(dir.resolve("config.yaml"), yaml);
    int port = Gateways.freePort();
    gatewayProcess = jvm.start(config, port, dir.resolve("gateway.log"),
        List.of(HEAP_CAP, "-XX:+ExitOnOutOfMemoryError"), List.of(), Map.of("SWITCHBOARD_LOG", "WARNING"));
    return port;
  }

  @Test
  void fifty_megabytes_of_tool_arguments_stream_through_a_48_mb_heap(Vertx vertx, VertxTestContext ctx) throws IOException {
    client = vertx.createHttpClient();
    mock = new MockProvider(vertx);
    AtomicLong argumentChars = new AtomicLong();
    AtomicReference<String> finishReason = new AtomicReference<>();
    AtomicLong done = new AtomicLong();
    int[] port = new int[1];
    mock.start()
        .compose(m -> {
          try {
            port[0] = startGatewayProcess("""
                model_list:
                  - model_name: huge
                    litellm_params: {model: anthropic/%s, api_base: "http://127.0.0.1:%d", api_key: sk-ant}
                general_settings: {database_url: none}
                """.formatted(AnthropicWire.HUGE_TOOL, mock.port()));
          } catch (IOException e) {
            return Future.failedFuture(e);
          }
          return GatewayJvm.serving(vertx, gatewayProcess, port[0], dir.resolve("gateway.log"), 60_000);
        })
        .compose(v -> client.request(HttpMethod.POST, port[0], "127.0.0.1", "/v1/chat/completions"))
        .compose(request -> request.putHeader("content-type", "application/json").send(new JsonObject()
            .put("model", "huge").put("stream", true)
            .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "store it")))
            .toBuffer()))
        .compose(response -> readChunks(response, argumentChars, finishReason, done))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertTrue(gatewayProcess.isAlive(), "the gateway survived with its 48 MB heap");
          assertEquals(AnthropicWire.HUGE_ARGUMENT_BYTES, argumentChars.get(), "every argument byte arrived");
          assertEquals("tool_calls", finishReason.get());
          assertEquals(1, done.get());
          ctx.completeNow();
        })));
  }

  /** Gemini sends each call whole: 50 MB of arguments as 6,400 calls of 8 KB, none of them kept. */
  @Test
  void fifty_megabytes_of_gemini_function_calls_stream_through_a_48_mb_heap(Vertx vertx, VertxTestContext ctx) {
    client = vertx.createHttpClient();
    gemini = new GeminiMock(vertx);
    AtomicLong argumentChars = new AtomicLong();
    AtomicReference<String> finishReason = new AtomicReference<>();
    AtomicLong done = new AtomicLong();
    int[] port = new int[1];
    gemini.start()
        .compose(m -> {
          try {
            port[0] = startGatewayProcess("""
                model_list:
                  - model_name: huge
                    litellm_params: {model: gemini/%s, api_base: "http://127.0.0.1:%d", api_key: %s}
                general_settings: {database_url: none}
                """.formatted(GeminiMock.HUGE_TOOL, m.port(), GeminiMock.KEY));
          } catch (IOException e) {
            return Future.failedFuture(e);
          }
          return GatewayJvm.serving(vertx, gatewayProcess, port[0], dir.resolve("gateway.log"), 60_000);
        })
        .compose(v -> client.request(HttpMethod.POST, port[0], "127.0.0.1", "/v1/chat/completions"))
        .compose(request -> request.putHeader("content-type", "application/json").send(new JsonObject()
            .put("model", "huge").put("stream", true)
            .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "store it")))
            .toBuffer()))
        .compose(response -> readChunks(response, argumentChars, finishReason, done))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertTrue(gatewayProcess.isAlive(), "the gateway survived with its 48 MB heap");
          int calls = GeminiMock.HUGE_ARGUMENT_BYTES / (8 * 1024);
          // Each call's arguments: {"blob":"<8 KB>"}.
          assertEquals(GeminiMock.HUGE_ARGUMENT_BYTES + calls * "{\"blob\":\"\"}".length(), argumentChars.get(),
              "every argument byte arrived");
          assertEquals("tool_calls", finishReason.get());
          assertEquals(1, done.get());
          ctx.completeNow();
        })));
  }

  /** Cohere streams one call's arguments as tool-call-delta events: 50 MB of them, none kept. */
  @Test
  void fifty_megabytes_of_cohere_tool_call_deltas_stream_through_a_48_mb_heap(Vertx vertx, VertxTestContext ctx) {
    client = vertx.createHttpClient();
    cohere = new CohereMock(vertx);
    AtomicLong argumentChars = new AtomicLong();
    AtomicReference<String> finishReason = new AtomicReference<>();
    AtomicLong done = new AtomicLong();
    int[] port = new int[1];
    cohere.start()
        .compose(m -> {
          try {
            port[0] = startGatewayProcess("""
                model_list:
                  - model_name: huge
                    litellm_params: {model: cohere_chat/%s, api_base: "http://127.0.0.1:%d", api_key: %s}
                general_settings: {database_url: none}
                """.formatted(CohereMock.HUGE_TOOL, m.port(), CohereMock.KEY));
          } catch (IOException e) {
            return Future.failedFuture(e);
          }
          return GatewayJvm.serving(vertx, gatewayProcess, port[0], dir.resolve("gateway.log"), 60_000);
        })
        .compose(v -> client.request(HttpMethod.POST, port[0], "127.0.0.1", "/v1/chat/completions"))
        .compose(request -> request.putHeader("content-type", "application/json").send(new JsonObject()
            .put("model", "huge").put("stream", true)
            .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "store it")))
            .toBuffer()))
        .compose(response -> readChunks(response, argumentChars, finishReason, done))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertTrue(gatewayProcess.isAlive(), "the gateway survived with its 48 MB heap");
          assertEquals(CohereMock.HUGE_ARGUMENT_BYTES, argumentChars.get(), "every argument byte arrived");
          assertEquals("tool_calls", finishReason.get());
          assertEquals(1, done.get());
          ctx.completeNow();
        })));
  }

  /** Ollama's NDJSON: 50 MB of arguments as 6,400 lines of one whole call each, none of them kept. */
  @Test
  void fifty_megabytes_of_ollama_tool_call_lines_stream_through_a_48_mb_heap(Vertx vertx, VertxTestContext ctx) {
    client = vertx.createHttpClient();
    ollama = new OllamaMock(vertx);
    AtomicLong argumentChars = new AtomicLong();
    AtomicReference<String> finishReason = new AtomicReference<>();
    AtomicLong done = new AtomicLong();
    int[] port = new int[1];
    ollama.start()
        .compose(m -> {
          try {
            port[0] = startGatewayProcess("""
                model_list:
                  - model_name: huge
                    litellm_params: {model: ollama_chat/%s, api_base: "http://127.0.0.1:%d"}
                general_settings: {database_url: none}
                """.formatted(OllamaMock.HUGE_TOOL, m.port()));
          } catch (IOException e) {
            return Future.failedFuture(e);
          }
          return GatewayJvm.serving(vertx, gatewayProcess, port[0], dir.resolve("gateway.log"), 60_000);
        })
        .compose(v -> client.request(HttpMethod.POST, port[0], "127.0.0.1", "/v1/chat/completions"))
        .compose(request -> request.putHeader("content-type", "application/json").send(new JsonObject()
            .put("model", "huge").put("stream", true)
            .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "store it")))
            .toBuffer()))
        .compose(response -> readChunks(response, argumentChars, finishReason, done))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertTrue(gatewayProcess.isAlive(), "the gateway survived with its 48 MB heap");
          int calls = OllamaMock.HUGE_ARGUMENT_BYTES / (8 * 1024);
          assertEquals(OllamaMock.HUGE_ARGUMENT_BYTES + calls * "{\"blob\":\"\"}".length(), argumentChars.get(),
              "every argument byte arrived");
          assertEquals("tool_calls", finishReason.get());
          assertEquals(1, done.get());
          ctx.completeNow();
        })));
  }

  /** Bedrock's binary event-stream: 50 MB of arguments as 6,400 toolUse delta frames of 8 KB, none of them kept. */
  @Test
  void fifty_megabytes_of_bedrock_tool_input_frames_stream_through_a_48_mb_heap(Vertx vertx, VertxTestContext ctx) {
    client = vertx.createHttpClient();
    bedrock = new BedrockMock(vertx, null);
    AtomicLong argumentChars = new AtomicLong();
    AtomicReference<String> finishReason = new AtomicReference<>();
    AtomicLong done = new AtomicLong();
    int[] port = new int[1];
    bedrock.start()
        .compose(m -> {
          try {
            port[0] = startGatewayProcess("""
                model_list:
                  - model_name: huge
                    litellm_params: {model: bedrock/%s, api_base: "http://127.0.0.1:%d", aws_access_key_id: %s,
                      aws_secret_access_key: "%s", aws_region_name: us-east-1}
                general_settings: {database_url: none}
                """.formatted(BedrockMock.HUGE_TOOL, m.port(), BedrockMock.KEY_ID, BedrockMock.SECRET));
          } catch (IOException e) {
            return Future.failedFuture(e);
          }
          return GatewayJvm.serving(vertx, gatewayProcess, port[0], dir.resolve("gateway.log"), 60_000);
        })
        .compose(v -> client.request(HttpMethod.POST, port[0], "127.0.0.1", "/v1/chat/completions"))
        .compose(request -> request.putHeader("content-type", "application/json").send(new JsonObject()
            .put("model", "huge").put("stream", true)
            .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "store it")))
            .toBuffer()))
        .compose(response -> readChunks(response, argumentChars, finishReason, done))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertTrue(gatewayProcess.isAlive(), "the gateway survived with its 48 MB heap");
          assertEquals(BedrockMock.HUGE_ARGUMENT_BYTES, argumentChars.get(), "every argument byte arrived");
          assertEquals("tool_calls", finishReason.get());
          assertEquals(1, done.get());
          ctx.completeNow();
        })));
  }

  /** An event-stream frame past the cap is refused from its length prefix, before its bytes are buffered. */
  @Test
  void one_event_stream_frame_past_the_cap_ends_the_stream_with_an_error(Vertx vertx, VertxTestContext ctx) {
    bedrock = new BedrockMock(vertx, null);
    client = vertx.createHttpClient();
    bedrock.start()
        .compose(m -> Gateways.start("""
            model_list:
              - model_name: huge
                litellm_params: {model: bedrock/%s, api_base: "http://127.0.0.1:%d", aws_access_key_id: %s,
                  aws_secret_access_key: "%s", aws_region_name: us-east-1}
            litellm_settings: {max_tool_call_buffer_bytes: 4096}
            """.formatted(BedrockMock.HUGE_TOOL, m.port(), BedrockMock.KEY_ID, BedrockMock.SECRET)))
        .compose(gateway -> client.request(HttpMethod.POST, gateway.port(), "127.0.0.1", "/v1/chat/completions")
            .compose(request -> request.putHeader("content-type", "application/json").send(new JsonObject()
                .put("model", "huge").put("stream", true)
                .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "x")))
                .toBuffer()))
            .compose(HttpClientResponse::body)
            .eventually(gateway::close))
        .onComplete(ctx.succeeding(body -> ctx.verify(() -> {
          String text = body.toString();
          assertTrue(text.contains("upstream_event_too_large"), text.length() > 2000 ? text.substring(text.length() - 2000) : text);
          assertTrue(!text.contains("[DONE]"));
          ctx.completeNow();
        })));
  }

  /** An NDJSON line past the cap ends the stream as an SSE event past it does, instead of being buffered. */
  @Test
  void one_ndjson_line_past_the_cap_ends_the_stream_with_an_error(Vertx vertx, VertxTestContext ctx) {
    ollama = new OllamaMock(vertx);
    client = vertx.createHttpClient();
    ollama.start()
        .compose(m -> Gateways.start("""
            model_list:
              - model_name: huge
                litellm_params: {model: ollama_chat/%s, api_base: "http://127.0.0.1:%d"}
            litellm_settings: {max_tool_call_buffer_bytes: 4096}
            """.formatted(OllamaMock.HUGE_TOOL, m.port())))
        .compose(gateway -> client.request(HttpMethod.POST, gateway.port(), "127.0.0.1", "/v1/chat/completions")
            .compose(request -> request.putHeader("content-type", "application/json").send(new JsonObject()
                .put("model", "huge").put("stream", true)
                .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "x")))
                .toBuffer()))
            .compose(HttpClientResponse::body)
            .eventually(gateway::close))
        .onComplete(ctx.succeeding(body -> ctx.verify(() -> {
          String text = body.toString();
          assertTrue(text.contains("upstream_event_too_large"), text.length() > 2000 ? text.substring(text.length() - 2000) : text);
          assertTrue(!text.contains("[DONE]"));
          ctx.completeNow();
        })));
  }

  @Test
  void open_streams_keep_none_of_their_prompts(Vertx vertx, VertxTestContext ctx) {
    int streams = 24;
    // Each prompt is 2 MB: kept as received bytes and as parsed text, 24 of them would need ~96 MB.
    String prompt = "x".repeat(2 * 1024 * 1024);
    List<HttpServerResponse> held = new ArrayList<>();
    Promise<Void> allHeld = Promise.promise();
    // The provider sends each stream's first chunk at once and the rest only when all are open.
    HttpServer provider = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      HttpServerResponse response = request.response().setChunked(true).putHeader("content-type", "text/event-stream");
      response.write("data: " + MockProvider.chunk("big", 0, "first") + "\n\n");
      held.add(response);
      if (held.size() == streams) {
        allHeld.complete();
      }
    }));
    client = vertx.createHttpClient(new PoolOptions().setHttp1MaxSize(streams));
    List<Future<String>> answers = new ArrayList<>();
    provider.listen(0, "127.0.0.1")
        .compose(listening -> {
          try {
            int port = startGatewayProcess("""
                model_list:
                  - model_name: big
                    litellm_params: {model: openai/big, api_base: "http://127.0.0.1:%d", api_key: sk-up}
                general_settings: {database_url: none, max_request_size_mb: 4}
                """.formatted(listening.actualPort()));
            return GatewayJvm.serving(vertx, gatewayProcess, port, dir.resolve("gateway.log"), 60_000).map(port);
          } catch (IOException e) {
            return Future.failedFuture(e);
          }
        })
        .compose(port -> {
          // One after another, each open (its first chunk read) before the next is sent.
          Future<Void> opened = Future.succeededFuture();
          for (int i = 0; i < streams; i++) {
            opened = opened.compose(v -> openStream(port, prompt, answers));
          }
          return opened;
        })
        .compose(v -> allHeld.future())
        .compose(v -> {
          held.forEach(response -> response.end("data: " + MockProvider.chunk("big", 1, "last") + "\n\ndata: [DONE]\n\n"));
          return Future.all(answers);
        })
        .eventually(provider::close)
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          assertTrue(gatewayProcess.isAlive(), "the gateway survived with its 48 MB heap");
          for (int i = 0; i < streams; i++) {
            String text = all.resultAt(i);
            assertTrue(text.contains("first") && text.contains("last") && text.endsWith("data: [DONE]\n\n"), text);
          }
          ctx.completeNow();
        })));
  }

  /** Sends one stream and completes once its first bytes arrived; {@code answers} gets its whole text. */
  private Future<Void> openStream(int port, String prompt, List<Future<String>> answers) {
    Promise<Void> open = Promise.promise();
    return client.request(HttpMethod.POST, port, "127.0.0.1", "/v1/chat/completions")
        .compose(request -> request.putHeader("content-type", "application/json").send(new JsonObject()
            .put("model", "big").put("stream", true)
            .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", prompt)))
            .toBuffer()))
        .compose(response -> {
          if (response.statusCode() != 200) {
            return response.body().compose(body -> Future.failedFuture("HTTP " + response.statusCode() + ": " + body));
          }
          Buffer text = Buffer.buffer();
          Promise<String> whole = Promise.promise();
          response.handler(bytes -> {
            text.appendBuffer(bytes);
            open.tryComplete();
          });
          response.exceptionHandler(whole::tryFail);
          response.endHandler(v -> whole.tryComplete(text.toString()));
          answers.add(whole.future());
          return open.future();
        });
  }

  private static Future<Void> readChunks(HttpClientResponse response, AtomicLong argumentChars,
      AtomicReference<String> finishReason, AtomicLong done) {
    Promise<Void> finished = Promise.promise();
    RecordParser lines = RecordParser.newDelimited("\n\n", response);
    lines.handler(event -> {
      String data = event.toString().substring("data: ".length());
      if ("[DONE]".equals(data)) {
        done.incrementAndGet();
        return;
      }
      JsonObject choice = new JsonObject(data).getJsonArray("choices").getJsonObject(0);
      if (choice.getString("finish_reason") != null) {
        finishReason.set(choice.getString("finish_reason"));
      }
      JsonArray calls = choice.getJsonObject("delta").getJsonArray("tool_calls");
      if (calls != null) {
        argumentChars.addAndGet(calls.getJsonObject(0).getJsonObject("function").getString("arguments", "").length());
      }
    });
    lines.exceptionHandler(finished::tryFail);
    lines.endHandler(v -> finished.tryComplete());
    return finished.future();
  }

  @Test
  void one_event_past_the_cap_ends_the_stream_with_an_error(Vertx vertx, VertxTestContext ctx) {
    mock = new MockProvider(vertx);
    client = vertx.createHttpClient();
    mock.start()
        .compose(m -> Gateways.start("""
            model_list:
              - model_name: huge
                litellm_params: {model: anthropic/%s, api_base: "http://127.0.0.1:%d", api_key: sk-ant}
            litellm_settings: {max_tool_call_buffer_bytes: 4096}
            """.formatted(AnthropicWire.HUGE_TOOL, mock.port())))
        .compose(gateway -> client.request(HttpMethod.POST, gateway.port(), "127.0.0.1", "/v1/chat/completions")
            .compose(request -> request.putHeader("content-type", "application/json").send(new JsonObject()
                .put("model", "huge").put("stream", true)
                .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "x")))
                .toBuffer()))
            .compose(HttpClientResponse::body)
            .eventually(gateway::close))
        .onComplete(ctx.succeeding(body -> ctx.verify(() -> {
          String text = body.toString();
          assertTrue(text.contains("upstream_event_too_large"), text.length() > 2000 ? text.substring(text.length() - 2000) : text);
          assertTrue(!text.contains("[DONE]"));
          ctx.completeNow();
        })));
  }
}
