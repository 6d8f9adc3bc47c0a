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
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The gateway's view of the event bus: local-only delivery, and hops that stay on the caller's
 * event loop. Each stage instance registers its address twice, once shared and once for its own
 * event loop; a message goes to the consumer on the sender's loop when there is one (about 1 µs)
 * instead of round-robin to another loop (tens of µs of thread wake-up). One Bus per Vert.x.
 *
 * <p>Every stage is reached the same way, by {@link #hop}: a message to the stage's consumer on
 * the caller's loop carrying the promise the stage's answer completes. It is a real message, so a
 * hop waits its turn behind news already queued on that loop (a key revoked is applied before the
 * next request checks that key), and unlike a request/reply it holds no reply address and no
 * timer for as long as a stream lasts: a stage bounds its own time. Hops are counted per address
 * in one place ({@link #hops}).
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
  /** Each address's consumer on each event loop (its loop's own address). */
  private final Map<String, Map<Thread, MessageConsumer<?>>> loopConsumers = new ConcurrentHashMap<>();
  private final AtomicInteger loopAddressIds = new AtomicInteger();
  /** Hops made, per stage address. */
  private final Map<String, LongAdder> hops = new ConcurrentHashMap<>();

  /** A {@link #hop}'s message: the stage's input, and the promise its answer completes. */
  private record Hop(Object body, Promise<Object> answer) {
  }

  public Bus(Vertx vertx) {
    this.vertx = vertx;
    this.eventBus = vertx.eventBus();
    register(Hop.class);
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
   * Serves {@link #hop}s to {@code address} from the calling verticle's event loop. A failed future
   * is answered as a {@link GatewayError}, the hop's failure.
   */
  @SuppressWarnings("unchecked")
  public <T, R> Future<Void> serve(String address, Function<T, Future<R>> handler) {
    return this.<Object>listen(address, message -> {
      if (message.body() instanceof Hop hop) {
        answer(address, handler, (T) hop.body()).onComplete(done -> hop.answer().handle(done.map(Object.class::cast)));
      } else { // from a thread with no instance of this stage: an ordinary request
        answer(address, handler, (T) message.body()).onComplete(
            value -> message.reply(value, LOCAL),
            failure -> message.reply(failure, LOCAL));
      }
    }).mapEmpty();
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

  /**
   * One hop of a request to the stage served at {@code address}: to its instance on this event
   * loop, as a message carrying the promise its answer completes, delivered back on this loop.
   * From a thread with no live instance (a worker, a test), an ordinary request to any instance.
   */
  public <R> Future<R> hop(String address, Object message) {
    hops.computeIfAbsent(address, a -> new LongAdder()).increment();
    MessageConsumer<?> own = ownConsumer(address);
    if (own == null || !own.isRegistered()) {
      return eventBus.<Object>request(address, message, LOCAL_UNBOUNDED).compose(Bus::answerOf);
    }
    Promise<Object> answer = Promise.promise();
    eventBus.send(own.address(), new Hop(message, answer), LOCAL);
    @SuppressWarnings("unchecked")
    Future<R> answered = (Future<R>) answer.future();
    return onCallersLoop(answered);
  }

  /** Hops made so far to {@code address}. */
  public long hops(String address) {
    LongAdder made = hops.get(address);
    return made == null ? 0 : made.sum();
  }

  /** A stage refuses by answering with its {@link GatewayError} (see {@link #serve}): the hop's failure. */
  @SuppressWarnings("unchecked")
  private static <R> Future<R> answerOf(Message<Object> reply) {
    return reply.body() instanceof GatewayError refused ? Future.failedFuture(refused)
        : Future.succeededFuture((R) reply.body());
  }

  /**
   * A stage may complete its answer from another loop (a queued pick is handed the slot another
   * loop's request gave back); the answer is delivered on the caller's own loop.
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
    // A verticle redeployed on the same loop replaces its stopped predecessor.
    loopConsumers.computeIfAbsent(address, a -> new ConcurrentHashMap<>()).compute(Thread.currentThread(),
        (thread, old) -> old != null && old.isRegistered() ? old : own);
    return Future.all(shared, own.completion()).map(own);
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
    MessageConsumer<?> own = ownConsumer(address);
    return own == null || !own.isRegistered() ? address : own.address();
  }

  private MessageConsumer<?> ownConsumer(String address) {
    Map<Thread, MessageConsumer<?>> byLoop = loopConsumers.get(address);
    return byLoop == null ? null : byLoop.get(Thread.currentThread());
  }

  private static GatewayError asGatewayError(String address, Throwable failure) {
    GatewayError error = GatewayError.of(failure);
    if (!(failure instanceof GatewayError) && error.status() == 500) {
      LOG.log(Level.SEVERE, "Unexpected failure serving " + address, failure);
    }
    return error;
  }

}
