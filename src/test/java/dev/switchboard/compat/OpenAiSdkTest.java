package dev.switchboard.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.models.Model;
import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.MockProvider.Behaviour;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The official OpenAI Java SDK, pointed at the gateway, works as it does against OpenAI. */
@ExtendWith(VertxExtension.class)
class OpenAiSdkTest {

  private static final String MASTER_KEY = "sk-sdk-master-key";

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.withConfig(
      vertx -> new MockProvider(vertx).on("streamer", Behaviour.ok().withChunks(4, 0)), m -> """
          model_list:
            - {model_name: sdk-model, litellm_params: {model: openai/streamer, api_base: %s, api_key: sk-up}}
          general_settings: {master_key: %s}
          """.formatted(m.apiBase(), MASTER_KEY));

  private OpenAIClient openai;

  @BeforeEach
  void start() {
    openai = OpenAIOkHttpClient.builder()
        .apiKey(MASTER_KEY)
        .baseUrl("http://127.0.0.1:" + gw.port() + "/v1")
        .maxRetries(0)
        .build();
  }

  @AfterEach
  void stop() {
    openai.close();
  }

  private static ChatCompletionCreateParams params(String model) {
    return ChatCompletionCreateParams.builder().model(model).addUserMessage("Say hello").build();
  }

  @Test
  void a_non_streaming_completion_through_the_sdk() {
    ChatCompletion completion = openai.chat().completions().create(params("sdk-model"));
    assertEquals("Hello from streamer", completion.choices().get(0).message().content().orElseThrow());
    assertEquals(15, completion.usage().orElseThrow().totalTokens());
  }

  @Test
  void a_streaming_completion_through_the_sdk() {
    try (StreamResponse<ChatCompletionChunk> stream = openai.chat().completions().createStreaming(params("sdk-model"))) {
      String text = stream.stream()
          .flatMap(chunk -> chunk.choices().stream())
          .map(choice -> choice.delta().content().orElse(""))
          .collect(Collectors.joining());
      assertEquals("tok0 tok1 tok2 tok3 ", text);
    }
  }

  @Test
  void the_sdk_lists_models_and_reads_gateway_errors() {
    List<String> ids = openai.models().list().data().stream().map(Model::id).toList();
    assertEquals(List.of("sdk-model"), ids);
    NotFoundException error = assertThrows(NotFoundException.class,
        () -> openai.chat().completions().create(params("missing-model")));
    assertTrue(error.getMessage().contains("Available models: sdk-model"), error.getMessage());
  }
}
