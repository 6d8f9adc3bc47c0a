package dev.switchboard.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Gateway;
import dev.switchboard.testing.Gateways;
import dev.switchboard.testing.Requests;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A provider that never accepts the connection: a loopback listener whose accept queue is full, so
 * the kernel leaves new connections unanswered. litellm_settings.connect_timeout ends the wait
 * with a 408 that names it.
 */
@ExtendWith(VertxExtension.class)
class ConnectTimeoutTest {

  private ServerSocket full;
  private final List<Socket> fillers = new ArrayList<>();
  private Gateway gateway;

  @AfterEach
  void stop(VertxTestContext ctx) throws IOException {
    for (Socket socket : fillers) {
      socket.close();
    }
    full.close();
    (gateway == null ? io.vertx.core.Future.<Void>succeededFuture() : gateway.close())
        .onComplete(done -> ctx.completeNow());
  }

  @Test
  void a_provider_that_never_accepts_the_connection_is_a_408_naming_connect_timeout(Vertx vertx, VertxTestContext ctx)
      throws IOException {
    full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    // Never accepted: these fill the accept queue, after which connections get no answer at all.
    for (int i = 0; i < 4; i++) {
      Socket socket = new Socket();
      try {
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), full.getLocalPort()), 200);
      } catch (IOException queueAlreadyFull) {
        // expected once the queue is full
      }
      fillers.add(socket);
    }
    WebClient client = WebClient.create(vertx);
    Gateways.start("""
        model_list:
          - model_name: chat
            litellm_params: {model: openai/chat, api_base: "http://127.0.0.1:%d/v1", api_key: sk-up}
        router_settings: {num_retries: 0}
        litellm_settings: {connect_timeout: 0.5}
        """.formatted(full.getLocalPort()))
        .compose(started -> {
          gateway = started;
          return client.post(started.port(), "127.0.0.1", "/v1/chat/completions")
              .sendJsonObject(Requests.chat("chat").user("hi").build());
        })
        .onComplete(ctx.succeeding(answer -> ctx.verify(() -> {
          assertEquals(408, answer.statusCode(), answer.bodyAsString());
          assertTrue(answer.bodyAsString().contains("connect_timeout fired"), answer.bodyAsString());
          client.close();
          ctx.completeNow();
        })));
  }
}
