package dev.switchboard.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.models.ErrorType;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code /v1/messages} against Anthropic's official Java SDK, parsing strictly ({@code validate()}
 * throws on a missing required field or a wrong type) for every provider: the native passthrough
 * and each translation. Streams also follow the event grammar of Anthropic's streaming docs, and
 * errors come in Anthropic's shape with one of its error types.
 */
@ExtendWith(VertxExtension.class)
class AnthropicSdkConformanceTest {

  private static final String MASTER = "sk-anthropic-sdk-master-0123";
  /** Every model behind /v1/messages: Anthropic natively, the rest translated from and to chat. */
  private static final List<String> MODELS = Stream.concat(Stream.of("gpt"), EveryProvider.TRANSLATED.stream()).toList();
  /**
   * message_start, then whole content blocks, then message_delta and message_stop; pings anywhere
   * (the SDK drops them; the raw grammar below keeps them).
   */
  private static final Pattern GRAMMAR = Pattern.compile(
      "message_start( ping)*( content_block_start( ping| content_block_delta)* content_block_stop( ping)*)+"
          + " message_delta( ping)* message_stop");

  private EveryProvider providers;
  private AnthropicClient anthropic;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) throws InterruptedException {
    providers = new EveryProvider(vertx);
    providers.start("{master_key: " + MASTER + "}").onComplete(ctx.succeeding(gateway -> {
      anthropic = AnthropicOkHttpClient.builder().apiKey(MASTER).baseUrl("http://127.0.0.1:" + gateway.port())
          .maxRetries(0).build();
      ctx.completeNow();
    }));
    assertTrue(ctx.awaitCompletion(30, TimeUnit.SECONDS), "the gateway and its mock providers did not start");
  }

  @AfterEach
  void stop(VertxTestContext ctx) {
    if (anthropic != null) {
      anthropic.close();
    }
    providers.stop().onComplete(ctx.succeedingThenComplete());
  }

  private static MessageCreateParams params(String model) {
    return MessageCreateParams.builder().model(model).maxTokens(64).system("Be brief.").addUserMessage("Say hello.").build();
  }

  @Test
  void every_providers_answer_parses_strictly() {
    for (String model : MODELS) {
      Message message = anthropic.messages().create(params(model)).validate();
      assertFalse(message.content().isEmpty(), model + ": no content");
      assertTrue(message.stopReason().isPresent(), model + ": no stop_reason");
      assertTrue(message.usage().outputTokens() > 0, model + ": no output tokens in usage");
    }
  }

  @Test
  void every_providers_stream_parses_strictly_and_follows_the_event_grammar() {
    for (String model : MODELS) {
      List<String> types = new ArrayList<>();
      StringBuilder text = new StringBuilder();
      try (StreamResponse<RawMessageStreamEvent> stream = anthropic.messages().createStreaming(params(model))) {
        stream.stream().forEach(event -> {
          event.validate();
          types.add(type(event));
          event.contentBlockDelta().flatMap(delta -> delta.delta().text()).ifPresent(t -> text.append(t.text()));
        });
      }
      String sequence = String.join(" ", types);
      assertTrue(GRAMMAR.matcher(sequence).matches(), model + "'s events out of Anthropic's order: " + sequence);
      assertFalse(text.isEmpty(), model + "'s stream carried no text");
    }
  }

  @Test
  void every_raw_event_names_its_own_type_and_pings_fit_the_grammar() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    for (String model : MODELS) {
      HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/messages"))
          .header("x-api-key", MASTER).header("anthropic-version", "2023-06-01").header("content-type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(new io.vertx.core.json.JsonObject().put("model", model)
              .put("max_tokens", 64).put("stream", true).put("messages", new io.vertx.core.json.JsonArray()
                  .add(new io.vertx.core.json.JsonObject().put("role", "user").put("content", "Say hello."))).encode()))
          .build();
      String sse = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
      List<String> types = new ArrayList<>();
      for (String block : sse.split("\n\n")) {
        String name = null;
        String data = null;
        for (String line : block.split("\n")) {
          if (line.startsWith("event: ")) {
            name = line.substring(7);
          } else if (line.startsWith("data: ")) {
            data = line.substring(6);
          }
        }
        if (data == null) {
          continue;
        }
        String type = new io.vertx.core.json.JsonObject(data).getString("type");
        assertEquals(type, name, model + ": an event named other than its data's type in " + sse);
        types.add(type);
      }
      assertTrue(GRAMMAR.matcher(String.join(" ", types)).matches(), model + "'s raw events: " + types);
    }
  }

  private static String type(RawMessageStreamEvent event) {
    if (event.isMessageStart()) {
      return "message_start";
    } else if (event.isContentBlockStart()) {
      return "content_block_start";
    } else if (event.isContentBlockDelta()) {
      return "content_block_delta";
    } else if (event.isContentBlockStop()) {
      return "content_block_stop";
    } else if (event.isMessageDelta()) {
      return "message_delta";
    }
    return "message_stop";
  }

  @Test
  void count_tokens_parses_strictly_exact_for_anthropic_and_estimated_for_the_rest() {
    for (String model : List.of("claude", "gpt", "gemini")) {
      long tokens = anthropic.messages().countTokens(MessageCountTokensParams.builder().model(model)
          .addUserMessage("Say hello, and count these words.").build()).validate().inputTokens();
      assertTrue(tokens > 0, model + ": " + tokens + " input tokens");
    }
  }

  @Test
  void errors_come_in_anthropics_shape_with_its_error_types() {
    AnthropicServiceException unknownModel = assertThrows(AnthropicServiceException.class,
        () -> anthropic.messages().create(params("no-such-model")));
    assertError(unknownModel, 404, ErrorType.Known.NOT_FOUND_ERROR);

    AnthropicClient wrongKey = AnthropicOkHttpClient.builder().apiKey("sk-not-a-key-at-all")
        .baseUrl(baseUrl()).maxRetries(0).build();
    try {
      AnthropicServiceException refused = assertThrows(AnthropicServiceException.class,
          () -> wrongKey.messages().create(params("claude")));
      assertError(refused, 401, ErrorType.Known.AUTHENTICATION_ERROR);
    } finally {
      wrongKey.close();
    }

    AnthropicServiceException noMessages = assertThrows(AnthropicServiceException.class,
        () -> anthropic.messages().create(MessageCreateParams.builder().model("claude").maxTokens(64)
            .messages(List.of()).build()));
    assertError(noMessages, 400, ErrorType.Known.INVALID_REQUEST_ERROR);
  }

  private String baseUrl() {
    return "http://127.0.0.1:" + providers.gatewayPort();
  }

  private static void assertError(AnthropicServiceException error, int status, ErrorType.Known type) {
    assertEquals(status, error.statusCode(), String.valueOf(error.body()));
    assertEquals(type, error.errorType().orElseThrow(() -> new AssertionError("no error type in " + error.body())).known(),
        String.valueOf(error.body()));
    assertTrue(error.apiMessage().filter(message -> !message.isBlank()).isPresent(), "no message in " + error.body());
    @SuppressWarnings("unchecked")
    java.util.Map<String, Object> body = error.body().convert(java.util.Map.class);
    assertEquals("error", body.get("type"), "the body's top-level type: " + body);
  }
}
