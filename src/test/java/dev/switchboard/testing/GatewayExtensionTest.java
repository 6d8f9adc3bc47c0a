package dev.switchboard.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.switchboard.Gateway;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The extension's two lifecycles: on a static field one gateway serves the class, on an instance field each test. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayExtensionTest {

  private static final Function<MockProvider, String> CONFIG = m -> """
      model_list:
        - {model_name: chat, litellm_params: {model: openai/chat, api_base: "%s", api_key: sk-up}}
      """.formatted(m.apiBase());

  @RegisterExtension
  static final GatewayExtension SHARED = GatewayExtension.withConfig(CONFIG);

  @RegisterExtension
  final GatewayExtension own = GatewayExtension.withConfig(CONFIG);

  private static Gateway firstShared;
  private static Gateway firstOwn;

  @Test
  @Order(1)
  void a_test_gets_a_started_gateway_its_mock_and_a_client() throws Exception {
    firstShared = SHARED.gateway();
    firstOwn = own.gateway();
    HttpResponse<Buffer> answer = own.post("/v1/chat/completions").sendJsonObject(Requests.hi("chat"))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertEquals(200, answer.statusCode(), answer.bodyAsString());
    assertEquals(1, own.mock().received().size());
    assertEquals("Hi", own.mock().last().body().getJsonArray("messages").getJsonObject(0).getString("content"));
  }

  @Test
  @Order(2)
  void the_next_test_gets_a_new_one_unless_the_field_is_static() {
    assertSame(firstShared, SHARED.gateway());
    assertNotSame(firstOwn, own.gateway());
    assertEquals(0, own.mock().received().size(), "a new mock too");
  }
}
