package dev.switchboard.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.Awaits;
import dev.switchboard.testing.MockProvider;
import dev.switchboard.testing.MockProvider.Behaviour;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A deployment's health is fed only by what its provider did: clients that cancel never count,
 * the breaker opens on a failure rate over a minimum volume, and a group that is down keeps
 * probing (panic mode) while a real outage still fails fast.
 */
@ExtendWith(VertxExtension.class)
class ProviderOnlyHealthTest {

  @RegisterExtension
  final Routed gw = new Routed();

  private static final String BOOM = "{\"error\":{\"message\":\"boom\"}}";
  private static final int STORM = 4;

  /** A one-deployment group whose breaker would open on two counted failures. */
  private static final String ONLY = """
      model_list:
        - {model_name: chat, litellm_params: {model: openai/only, api_base: "$BASE", api_key: k}, model_info: {id: only}}
      router_settings: {circuit_breaker: {failure_threshold: 2}}
      """;

  private HttpClient http;

  @AfterEach
  void closeClient(VertxTestContext ctx) {
    (http == null ? Future.<Void>succeededFuture() : http.close()).onComplete(ctx.succeedingThenComplete());
  }

  /** Sends a chat request and hands back the request, so the test can abort it (an HTTP/1.1 reset closes the connection). */
  private Future<HttpClientRequest> send(Vertx vertx, boolean stream) {
    if (http == null) {
      http = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions().setKeepAlive(false),
          new io.vertx.core.http.PoolOptions().setHttp1MaxSize(2 * STORM));
    }
    JsonObject body = Routed.body("chat").put("stream", stream);
    return http.request(HttpMethod.POST, gw.port(), "127.0.0.1", "/v1/chat/completions").map(request -> {
      request.putHeader("Authorization", "Bearer " + Routed.MASTER).putHeader("content-type", "application/json");
      request.send(body.toBuffer()).onFailure(aborted -> { });
      return request;
    });
  }

  /** {@link #STORM} requests held by the provider, each aborted by its client once the provider has it. */
  private Future<Void> abortedBeforeHeaders(Vertx vertx, boolean stream) {
    long before = gw.received("only");
    List<Future<HttpClientRequest>> sent = new ArrayList<>();
    for (int i = 0; i < STORM; i++) {
      sent.add(send(vertx, stream));
    }
    return Future.all(sent)
        .compose(all -> waitFor(vertx, "the provider to receive " + STORM + " more requests",
            () -> gw.received("only") == before + STORM))
        .map(v -> {
          sent.forEach(request -> request.result().reset());
          return null;
        });
  }

  /** Waits until the gateway has settled every attempt (the cancelled ones included). */
  private Future<Void> settled(Vertx vertx) {
    return waitFor(vertx, "every attempt to end", () -> gw.states().inFlight("only") == 0);
  }

  private Future<Void> waitFor(Vertx vertx, String what, java.util.function.BooleanSupplier condition) {
    return Awaits.until(vertx, condition, 20_000).recover(timedOut -> Future.failedFuture("timed out waiting for " + what
        + "; breaker " + gw.states().breakerState("only") + ", provider calls " + gw.received("only") + ", in flight "
        + gw.states().inFlight("only")));
  }

  private Future<Void> healthyAfterwards(VertxTestContext ctx, boolean stream) {
    gw.mock().on("only", Behaviour.ok());
    return gw.chat(Routed.body("chat").put("stream", stream))
        .compose(normal -> {
          ctx.verify(() -> assertEquals(200, normal.statusCode(), normal.bodyAsString()));
          return gw.get("/router/deployments", Routed.MASTER);
        })
        .map(listing -> {
          ctx.verify(() -> {
            JsonObject only = CooldownsAndBreakersTest.deployment(listing.bodyAsJsonObject(), "only");
            assertEquals("CLOSED", only.getJsonObject("circuit_breaker").getString("state"), only.encode());
            assertEquals(0, only.getJsonObject("circuit_breaker").getInteger("failures"), only.encode());
            assertFalse(only.getJsonObject("cooldown").getBoolean("active"), only.encode());
            assertEquals(0, only.getInteger("failures"), "a cancelled attempt is no failure: " + only.encode());
            assertEquals(1, only.getInteger("successes"), "nor a success: only the normal request is one");
            assertNull(only.getString("last_error"), only.encode());
          });
          return null;
        });
  }

  /**
   * The storm: {@link #STORM} requests aborted while the provider holds them, then, with the
   * provider {@code answering} so, {@code abortedLater}; then a normal request, and the deployment
   * must show neither a failure nor an open circuit.
   */
  private Future<Void> storm(Vertx vertx, VertxTestContext ctx, boolean stream, Behaviour answering,
      java.util.function.Supplier<Future<?>> abortedLater) {
    MockProvider mock = new MockProvider(vertx).hold("only");
    return gw.start(mock, ONLY)
        .compose(g -> abortedBeforeHeaders(vertx, stream))
        .compose(v -> settled(vertx))
        .compose(v -> {
          mock.releaseHeld("only");
          mock.on("only", answering);
          return abortedLater.get();
        })
        .compose(v -> settled(vertx))
        .compose(v -> healthyAfterwards(ctx, stream));
  }

  @Test
  void a_storm_of_cancelled_requests_before_and_after_the_providers_headers_leaves_the_deployment_healthy(Vertx vertx,
      VertxTestContext ctx) {
    // The provider sends its headers and half the answer, then stalls: the clients leave meanwhile.
    storm(vertx, ctx, false, Behaviour.ok().withChunks(3, 60_000), () -> {
      long started = gw.mock().answersStarted.get();
      List<Future<HttpClientRequest>> sent = new ArrayList<>();
      for (int i = 0; i < STORM; i++) {
        sent.add(send(vertx, false));
      }
      return Future.all(sent)
          .compose(all -> waitFor(vertx, "the provider to begin " + STORM + " answers",
              () -> gw.mock().answersStarted.get() == started + STORM))
          .map(all -> {
            sent.forEach(request -> request.result().reset());
            return null;
          });
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void a_storm_of_cancelled_streams_before_and_after_the_first_byte_leaves_the_deployment_healthy(Vertx vertx,
      VertxTestContext ctx) {
    // A minute of tokens, unless the gateway stops the provider.
    storm(vertx, ctx, true, Behaviour.ok().withChunks(600, 100), () -> {
      List<Future<Void>> firstBytes = new ArrayList<>();
      for (int i = 0; i < STORM; i++) {
        Promise<Void> read = Promise.promise();
        firstBytes.add(read.future());
        send(vertx, true).onSuccess(request -> request.response().onSuccess(response -> {
          if (response.statusCode() != 200) {
            read.tryFail("the stream was answered " + response.statusCode() + " before any cancellation counted");
          }
          response.handler(chunk -> {
            if (read.tryComplete()) {
              request.reset();
            }
          });
        }));
      }
      // The gateway reset the provider's streams: nothing is generated for nobody.
      return Future.all(firstBytes).compose(v -> gw.mock().streamClosedEarly.future());
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void two_requests_that_each_got_529s_do_not_open_the_breaker_of_a_group_of_one(Vertx vertx, VertxTestContext ctx) {
    MockProvider mock = new MockProvider(vertx).on("only", Behaviour.error(529,
        "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}", Map.of()));
    gw.start(mock, """
        model_list:
          - {model_name: chat, litellm_params: {model: openai/only, api_base: "$BASE", api_key: k}, model_info: {id: only}}
        """)
        .compose(g -> gw.chat("chat"))
        .compose(first -> gw.chat("chat"))
        .compose(second -> {
          ctx.verify(() -> {
            assertEquals(502, second.statusCode(), second.bodyAsString());
            assertEquals(6, gw.received("only"), "two requests, each with its two retries");
          });
          mock.on("only", Behaviour.ok());
          return gw.chat("chat");
        })
        .onComplete(ctx.succeeding(healthy -> ctx.verify(() -> {
          assertEquals(200, healthy.statusCode(), healthy.bodyAsString());
          assertEquals("CLOSED", gw.states().breakerState("only"));
          ctx.completeNow();
        })));
  }

  @Test
  // Longer than its two named waits (20 s each), so on a loaded machine they, not JUnit, say what was missing.
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  void a_group_that_is_down_is_probed_once_a_second_the_rest_told_when_and_it_recovers_when_the_provider_heals(
      Vertx vertx, VertxTestContext ctx) {
    MockProvider mock = new MockProvider(vertx).on("only", Behaviour.error(500, BOOM, Map.of()));
    gw.start(mock, """
        model_list:
          - {model_name: chat, litellm_params: {model: openai/only, api_base: "$BASE", api_key: k}, model_info: {id: only}}
        router_settings: {num_retries: 0, circuit_breaker: {failure_threshold: 4, reset_timeout: 600}}
        """)
        .compose(g -> chatTimes(4))
        .compose(failed -> {
          ctx.verify(() -> {
            failed.forEach(r -> assertEquals(500, r.statusCode(), r.bodyAsString()));
            assertEquals("OPEN", gw.states().breakerState("only"));
          });
          // Without panic mode the circuit stays open for reset_timeout (600 s): this would never end.
          return untilUpstreamCalled(ctx, 5, 20_000);
        })
        .compose(refused -> {
          ctx.verify(() -> assertTrue(refused > 0, "requests before the probe are refused"));
          mock.on("only", Behaviour.ok());
          return untilStatus(ctx, 200, 20_000);
        })
        .compose(recovered -> {
          ctx.verify(() -> assertEquals("CLOSED", gw.states().breakerState("only")));
          return chatTimes(3);
        })
        .onComplete(ctx.succeeding(after -> ctx.verify(() -> {
          after.forEach(r -> assertEquals(200, r.statusCode(), r.bodyAsString()));
          ctx.completeNow();
        })));
  }

  @Test
  void a_real_outage_opens_the_breaker_after_the_minimum_volume_and_then_fails_fast_but_for_the_trickle(Vertx vertx,
      VertxTestContext ctx) {
    MockProvider mock = new MockProvider(vertx).on("only", Behaviour.error(500, BOOM, Map.of()));
    long[] openedAt = new long[1];
    gw.start(mock, """
        model_list:
          - {model_name: chat, litellm_params: {model: openai/only, api_base: "$BASE", api_key: k}, model_info: {id: only}}
        router_settings: {num_retries: 0}
        """)
        .compose(g -> chatTimes(20))
        .compose(first -> {
          openedAt[0] = System.nanoTime();
          ctx.verify(() -> {
            first.forEach(r -> assertEquals(500, r.statusCode(), "the minimum volume (20) is reached first"));
            assertEquals("OPEN", gw.states().breakerState("only"), "20 failures of 20 attempts");
          });
          return chatTimes(10);
        })
        .onComplete(ctx.succeeding(rest -> ctx.verify(() -> {
          long seconds = (System.nanoTime() - openedAt[0]) / 1_000_000_000L;
          long probes = gw.received("only") - 20;
          assertTrue(probes <= seconds + 1, probes + " probes in " + seconds + " s: at most one a second");
          long fast = rest.stream().filter(r -> r.statusCode() == 503).count();
          assertEquals(10 - probes, fast, "all but the probes fail fast");
          rest.stream().filter(r -> r.statusCode() == 503).forEach(r -> {
            assertEquals("circuit_open", r.bodyAsJsonObject().getJsonObject("error").getString("code"));
            assertNotEquals(null, r.getHeader("Retry-After"));
          });
          ctx.completeNow();
        })));
  }

  private Future<List<HttpResponse<Buffer>>> chatTimes(int n) {
    List<HttpResponse<Buffer>> out = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < n; i++) {
      chain = chain.compose(v -> gw.chat("chat").map(r -> {
        out.add(r);
        return null;
      }));
    }
    return chain.map(v -> out);
  }

  /**
   * Sends requests one after another until the provider has had {@code calls}; each refused one
   * must be a 503 saying when the next probe goes (1 s at most). Returns how many were refused.
   */
  private Future<Integer> untilUpstreamCalled(VertxTestContext ctx, long calls, long timeoutMs) {
    AtomicInteger refused = new AtomicInteger();
    long deadline = System.currentTimeMillis() + timeoutMs;
    return repeat(() -> gw.received("only") >= calls, deadline, "the provider to get a probe", r -> {
      if (r.statusCode() == 503) {
        refused.incrementAndGet();
        ctx.verify(() -> {
          assertEquals("circuit_open", r.bodyAsJsonObject().getJsonObject("error").getString("code"), r.bodyAsString());
          assertEquals("1", r.getHeader("Retry-After"), "the next probe is at most a second away");
        });
      }
    }).map(v -> refused.get());
  }

  private Future<Void> untilStatus(VertxTestContext ctx, int status, long timeoutMs) {
    int[] last = new int[1];
    return repeat(() -> last[0] == status, System.currentTimeMillis() + timeoutMs, "a " + status,
        r -> last[0] = r.statusCode());
  }

  private Future<Void> repeat(java.util.function.BooleanSupplier done, long deadline, String waitingFor,
      java.util.function.Consumer<HttpResponse<Buffer>> each) {
    if (done.getAsBoolean()) {
      return Future.succeededFuture();
    }
    if (System.currentTimeMillis() > deadline) {
      return Future.failedFuture("timed out waiting for " + waitingFor + "; breaker " + gw.states().breakerState("only")
          + ", provider calls " + gw.received("only"));
    }
    // Each call is bounded too, so a call that never answers names what the test was waiting for.
    return gw.chat("chat").timeout(10, java.util.concurrent.TimeUnit.SECONDS)
        .recover(hung -> Future.failedFuture("a request did not answer in 10 s while waiting for " + waitingFor
            + "; breaker " + gw.states().breakerState("only") + ", provider calls " + gw.received("only") + ": " + hung))
        .compose(r -> {
      each.accept(r);
      return repeat(done, deadline, waitingFor, each);
    });
  }
}
