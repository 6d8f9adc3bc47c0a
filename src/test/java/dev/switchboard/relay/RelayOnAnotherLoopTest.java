package dev.switchboard.relay;

import dev.switchboard.model.RelayResult;
import dev.switchboard.model.RelayCall;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.bus.Addresses;
import dev.switchboard.bus.Bus;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.CallBody;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.Operation;
import dev.switchboard.routing.ModelRegistry;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.Requests;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The server writes a response only from its own loop (strict thread mode). When the request's
 * loop has no relay instance, the bus hands the call to a relay on another loop, which must still
 * make the provider call from the client's loop, or its first chunk fails the stream.
 */
@ExtendWith(VertxExtension.class)
class RelayOnAnotherLoopTest {

  private final Vertx gateway = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));

  @AfterEach
  void close(VertxTestContext ctx) {
    gateway.close().onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void a_stream_relayed_from_another_loop_reaches_the_client(Vertx vertx, VertxTestContext ctx) {
    MockProvider mock = new MockProvider(vertx);
    Bus bus = new Bus(gateway);
    bus.registerLocalCodecs(RelayCall.class, RelayResult.class, GatewayError.class);
    Thread[] relayThread = new Thread[1];
    mock.start()
        .compose(m -> {
          GatewayConfig config = new ConfigLoader(name -> null).parse("""
              model_list: [{model_name: chat, litellm_params: {model: openai/chat, api_base: "%s", api_key: k}}]
              """.formatted(m.apiBase()), "test");
          Deployment deployment = ModelRegistry.from(config).group("chat").deployments().get(0);
          // The relay's only instance, and the client's server on the other loop.
          StreamRelayVerticle relay = new StreamRelayVerticle(bus, config.litellm(), (d, headers) -> { });
          return gateway.deployVerticle(new VerticleBase() {
                @Override
                public Future<?> start() throws Exception {
                  relayThread[0] = Thread.currentThread();
                  relay.init(vertx, context);
                  return relay.start();
                }

                @Override
                public Future<?> stop() throws Exception {
                  return relay.stop();
                }
              })
              .compose(id -> otherLoopThan(relayThread[0]))
              .compose(clientLoop -> serveOn(clientLoop, bus, deployment));
        })
        .compose(server -> vertx.createHttpClient().request(HttpMethod.POST, server.actualPort(), "127.0.0.1", "/"))
        .compose(request -> request.send())
        .compose(response -> response.body().map(body -> new Object[] {response.statusCode(), body.toString()}))
        .onComplete(ctx.succeeding(answer -> ctx.verify(() -> {
          assertEquals(200, answer[0], String.valueOf(answer[1]));
          assertTrue(((String) answer[1]).endsWith("data: [DONE]\n\n"), String.valueOf(answer[1]));
          ctx.completeNow();
        })));
  }

  /** A fresh event-loop context whose thread is not {@code taken} (new contexts take the loops in turn). */
  private Future<Context> otherLoopThan(Thread taken) {
    Context candidate = gateway.getOrCreateContext();
    return Future.<Thread>future(thread -> candidate.runOnContext(v -> thread.complete(Thread.currentThread())))
        .compose(thread -> thread == taken ? otherLoopThan(taken) : Future.succeededFuture(candidate));
  }

  /** A strict-thread-mode server on {@code loop} whose requests relay a stream through the bus. */
  private Future<HttpServer> serveOn(Context loop, Bus bus, Deployment deployment) {
    return Future.<HttpServer>future(listening -> loop.runOnContext(v -> gateway
        .createHttpServer(new HttpServerOptions().setStrictThreadMode(true))
        .requestHandler(request -> {
          JsonObject body = Requests.chat("chat").stream().user("hi").build();
          RelayCall call = new RelayCall("r-1", Operation.CHAT, deployment, deployment.timeoutMs(),
              deployment.streamTimeoutMs(), new CallBody(body), true, false,
              request.response(), Vertx.currentContext(), MultiMap.caseInsensitiveMultiMap(), System.nanoTime(), null,
              null, false);
          bus.<RelayResult>hop(Addresses.RELAY_CALL, call).onFailure(failure -> {
            if (!request.response().headWritten()) {
              request.response().setStatusCode(502).end(failure.getMessage());
            }
          });
        })
        .listen(0, "127.0.0.1").onComplete(listening)));
  }
}
