package dev.switchboard.bus;

import dev.switchboard.errors.GatewayError;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The gateway's view of the event bus: local-only delivery, and hops that stay on the caller's
 * event loop. Each stage instance registers its address twice, once shared and once for its own
 * event loop; a request goes to the consumer on the sender's loop when there is one (about 1 µs)
 * instead of round-robin to another loop (tens of µs of thread wake-up). One Bus per Vert.x.
 */
public final class Bus {

  private static final Logger LOG = Logger.getLogger(Bus.class.getName());
  /** Per-request messages never leave the node, even in a cluster. */
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);
  private static final DeliveryOptions LOCAL_UNBOUNDED = new DeliveryOptions().setLocalOnly(true)
      .setSendTimeout(java.util.concurrent.TimeUnit.DAYS.toMillis(7));

  private final Vertx vertx;
  private final EventBus eventBus;
  /** One-way messages sent and not yet handled, per address: what a stopping gateway waits for. */
  private final Map<String, AtomicLong> unhandled = new ConcurrentHashMap<>();
  private final Map<String, Map<Thread, String>> loopAddresses = new ConcurrentHashMap<>();
  private final AtomicInteger loopAddressIds = new AtomicInteger();
  /** Request/reply handlers by address and event loop, for {@link #requestUnbounded}'s direct calls. */
  private final Map<String, Map<Thread, LoopHandler>> loopHandlers = new ConcurrentHashMap<>();

  /** A stage's handler on one loop, callable while its consumer is registered (its verticle not stopped). */
  private record LoopHandler(MessageConsumer<?> consumer, Function<Object, Future<Object>> handler) {
  }

  public Bus(Vertx vertx) {
    this.vertx = vertx;
    this.eventBus = vertx.eventBus();
  }

  /** Registers a by-reference codec per message type; call once per Vert.x instance. */
  public void registerLocalCodecs(Class<?>... types) {
    for (Class<?> type : types) {
      register(type);
    }
  }

  private <T> void register(Class<T> type) {
    eventBus.registerDefaultCodec(type, new LocalCodec<>(type));
  }

  /**
   * Serves request/reply on {@code address} from the calling verticle's event loop. A failed
   * future replies with a {@link GatewayError}, which the requester receives as its failure.
   */
  @SuppressWarnings("unchecked")
  public <T, R> Future<Void> serve(String address, Function<T, Future<R>> handler) {
    Thread loop = Thread.currentThread();
    return listen(address, (Message<T> message) -> answer(address, handler, message.body()).onComplete(
        value -> message.reply(value, LOCAL),
        failure -> message.reply(failure, LOCAL)))
        .onSuccess(own -> loopHandlers.computeIfAbsent(address, a -> new ConcurrentHashMap<>()).compute(loop,
            (thread, old) -> old != null && old.consumer().isRegistered() ? old
                : new LoopHandler(own, body -> (Future<Object>) handler.apply((T) body))))
        .mapEmpty();
  }

  /** The handler's answer; anything it throws or fails with becomes a {@link GatewayError}. */
  private static <T, R> Future<R> answer(String address, Function<T, Future<R>> handler, T body) {
    Future<R> result;
    try {
      result = handler.apply(body);
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    return result.recover(failure -> Future.failedFuture(asGatewayError(address, failure)));
  }

  /** Consumes one-way messages on {@code address} from the calling verticle's event loop. */
  public <T> Future<Void> consume(String address, Consumer<T> handler) {
    AtomicLong pending = unhandled(address);
    return this.<T>listen(address, (Message<T> message) -> {
      try {
        handler.accept(message.body());
      } catch (RuntimeException e) {
        LOG.log(Level.SEVERE, "Consumer of " + address + " failed", e);
      } finally {
        pending.decrementAndGet();
      }
    }).mapEmpty();
  }

  private AtomicLong unhandled(String address) {
    return unhandled.computeIfAbsent(address, a -> new AtomicLong());
  }

  /**
   * Completes when every one-way message sent to {@code address} so far has been handled (or after
   * {@code timeoutMs}): a stopping gateway waits for this before it stops the stage that consumes them.
   */
  public Future<Void> settled(String address, long timeoutMs) {
    AtomicLong pending = unhandled(address);
    Promise<Void> settled = Promise.promise();
    long deadline = System.nanoTime() + timeoutMs * 1_000_000;
    if (pending.get() <= 0) {
      return Future.succeededFuture();
    }
    vertx.setPeriodic(5, id -> {
      if (pending.get() <= 0 || System.nanoTime() > deadline) {
        settled.tryComplete();
        vertx.cancelTimer(id);
      }
    });
    return settled.future();
  }

  /** @return the consumer of this loop's own address, once both consumers are registered */
  private <T> Future<MessageConsumer<T>> listen(String address, io.vertx.core.Handler<Message<T>> handler) {
    String loopAddress = address + "#" + loopAddressIds.incrementAndGet();
    Future<Void> shared = eventBus.<T>localConsumer(address, handler).completion();
    MessageConsumer<T> own = eventBus.<T>localConsumer(loopAddress, handler);
    loopAddresses.computeIfAbsent(address, a -> new ConcurrentHashMap<>())
        .putIfAbsent(Thread.currentThread(), loopAddress);
    return Future.all(shared, own.completion()).map(own);
  }

  /** Request/reply, answered on the caller's event loop when a consumer lives there. */
  public <R> Future<R> request(String address, Object message) {
    return eventBus.<Object>request(target(address), message, LOCAL).compose(Bus::answerOf);
  }

  /**
   * Request/reply for a stage that bounds its own time (the relay's upstream timeouts), so the
   * bus must not give up first: a stream may rightly last longer than the default 30 s.
   */
  @SuppressWarnings("unchecked")
  public <R> Future<R> requestUnbounded(String address, Object message) {
    // With no timeout to keep, a handler on this very loop is just called: no message, reply
    // address or timer is made, and none is held for as long as a stream lasts.
    Map<Thread, LoopHandler> byLoop = loopHandlers.get(address);
    LoopHandler local = byLoop == null ? null : byLoop.get(Thread.currentThread());
    if (local != null && local.consumer().isRegistered()) {
      Future<R> answered = (Future<R>) answer(address, local.handler(), message);
      return answered.isComplete() ? answered : onCallersLoop(answered);
    }
    return eventBus.<Object>request(target(address), message, LOCAL_UNBOUNDED).compose(Bus::answerOf);
  }

  /** A stage refuses by replying with its {@link GatewayError} (see {@link #serve}): the requester's failure. */
  @SuppressWarnings("unchecked")
  private static <R> Future<R> answerOf(Message<Object> reply) {
    return reply.body() instanceof GatewayError refused ? Future.failedFuture(refused)
        : Future.succeededFuture((R) reply.body());
  }

  /**
   * A stage may complete its answer from another loop (a queued pick is handed the slot another
   * loop's request gave back); like a reply, the answer is delivered on the caller's own loop.
   */
  private <R> Future<R> onCallersLoop(Future<R> answered) {
    Context caller = vertx.getOrCreateContext();
    Thread callerThread = Thread.currentThread();
    Promise<R> delivered = Promise.promise();
    answered.onComplete(done -> {
      if (Thread.currentThread() == callerThread) {
        delivered.handle(done);
      } else {
        caller.runOnContext(v -> delivered.handle(done));
      }
    });
    return delivered.future();
  }

  /** Fire-and-forget, to the consumer on the caller's event loop when there is one. */
  public void send(String address, Object message) {
    unhandled(address).incrementAndGet();
    eventBus.send(target(address), message, LOCAL);
  }

  /** To every consumer of {@code address} (every instance of a stage) on this node. */
  public void publish(String address, Object message) {
    eventBus.publish(address, message, LOCAL);
  }

  /**
   * To every instance that {@link #hear}s {@code address}, on every node of the cluster (this node
   * alone when not clustered). For the rare news every node must agree on: a key revoked, a
   * deployment cooled down, a config reloaded. JSON, so it can cross nodes.
   */
  public void announce(String address, JsonObject news) {
    eventBus.publish(address, news);
  }

  /** Receives {@link #announce}ments on {@code address} from every node. */
  public Future<Void> hear(String address, Consumer<JsonObject> handler) {
    return eventBus.<JsonObject>consumer(address, message -> {
      try {
        handler.accept(message.body());
      } catch (RuntimeException e) {
        LOG.log(Level.SEVERE, "Listener of " + address + " failed", e);
      }
    }).completion();
  }

  private String target(String address) {
    Map<Thread, String> byLoop = loopAddresses.get(address);
    return byLoop == null ? address : byLoop.getOrDefault(Thread.currentThread(), address);
  }

  private static GatewayError asGatewayError(String address, Throwable failure) {
    GatewayError error = GatewayError.of(failure);
    if (!(failure instanceof GatewayError) && error.status() == 500) {
      LOG.log(Level.SEVERE, "Unexpected failure serving " + address, failure);
    }
    return error;
  }

}
