package dev.switchboard.ingress;

import dev.switchboard.bus.Bus;
import dev.switchboard.errors.ErrorResponses;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.files.FileStore;
import dev.switchboard.files.FilesUpstream;
import dev.switchboard.metrics.Metrics;
import dev.switchboard.model.Operation;
import dev.switchboard.pipeline.Chain;
import dev.switchboard.routing.CallRouter;
import dev.switchboard.tracing.RequestSpans;
import dev.switchboard.tracing.Tracing;
import dev.switchboard.spend.InFlight;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import dev.switchboard.log.Logs;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * OpenAI's Files and Batches APIs ({@code /v1/files}, {@code /v1/batches}, the same without
 * {@code /v1}, under {@code /openai} as Azure clients call them, and under {@code /{provider}/v1} as
 * LiteLLM has them), passed through to OpenAI and Azure deployments through the request pipeline:
 *
 * <pre>
 *   parse → auth → spend log → access (where the object lives, whose it is) → rate limits → relay
 * </pre>
 */
final class FilesHandler {

  private static final Logger LOG = Logger.getLogger(FilesHandler.class.getName());

  private final Bus bus;
  private final CallRouter calls;
  private final Metrics metrics;
  private final Tracing tracing;
  private final long maxBodyBytes;
  private final FileStore store;
  private final FilesUpstream upstream;

  /** @param maxBodyBytes {@code general_settings.max_request_size_mb}: an upload or body above it is a 413 */
  FilesHandler(Vertx vertx, Bus bus, CallRouter calls, Metrics metrics, Tracing tracing, long maxBodyBytes,
      FileStore store) {
    this.bus = bus;
    this.calls = calls;
    this.metrics = metrics;
    this.tracing = tracing;
    this.maxBodyBytes = maxBodyBytes;
    this.store = store;
    this.upstream = new FilesUpstream(vertx);
  }

  void mount(Router router) {
    for (String prefix : new String[] {"/v1", "", "/openai", "/openai/v1", "/azure/v1"}) {
      String provider = prefix.equals("/openai/v1") ? "openai" : prefix.equals("/azure/v1") ? "azure" : null;
      router.post(prefix + "/files").handler(ctx -> run(ctx, FilesCall.Action.FILE_CREATE, provider));
      router.get(prefix + "/files").handler(ctx -> run(ctx, FilesCall.Action.FILE_LIST, provider));
      router.get(prefix + "/files/:id").handler(ctx -> run(ctx, FilesCall.Action.FILE_RETRIEVE, provider));
      router.delete(prefix + "/files/:id").handler(ctx -> run(ctx, FilesCall.Action.FILE_DELETE, provider));
      router.get(prefix + "/files/:id/content").handler(ctx -> run(ctx, FilesCall.Action.FILE_CONTENT, provider));
      router.post(prefix + "/batches").handler(ctx -> run(ctx, FilesCall.Action.BATCH_CREATE, provider));
      router.get(prefix + "/batches").handler(ctx -> run(ctx, FilesCall.Action.BATCH_LIST, provider));
      router.get(prefix + "/batches/:id").handler(ctx -> run(ctx, FilesCall.Action.BATCH_RETRIEVE, provider));
      router.post(prefix + "/batches/:id/cancel").handler(ctx -> run(ctx, FilesCall.Action.BATCH_CANCEL, provider));
    }
  }

  private void run(RoutingContext ctx, FilesCall.Action action, String provider) {
    Future<Buffer> body = action.creates() ? ModelCallBody.read(ctx, maxBodyBytes) : Future.succeededFuture(Buffer.buffer());
    body.onSuccess(raw -> {
      FilesCall files = new FilesCall(action, ctx.pathParam("id"), provider, ctx.queryParams());
      String requestId = RequestIds.of(ctx);
      // The chain's stages take a model call; Operation.CHAT only fills its place (the spend row's call type is the action's).
      ModelCall request = new ModelCall(requestId, Operation.CHAT, calls.snapshot(), raw, ctx.request().headers(),
          ctx.response(), tracing.request(ctx.request(), requestId));
      request.clientIp = ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress();
      Chain<ModelCall> chain = new Chain<>(new FilesParseStage(files), new AuthStage(bus), new SpendLogStage(bus, () -> false, InFlight.NONE),
          new FilesTargetStage(files, store, calls), new LimitsStage(bus), new FilesRelayStage(files, store, upstream));
      chain.run(request).onComplete(done -> answer(request, files));
    });
  }

  private void answer(ModelCall request, FilesCall files) {
    HttpServerResponse response = request.response;
    GatewayError error = request.error();
    if (request.failed() && !(request.failure() instanceof GatewayError)) {
      Logs.request(LOG, Level.SEVERE, request.requestId(), "Files or batches request failed inside the gateway",
          request.failure());
    }
    if (request.spans.root().isRecording()) {
      RequestSpans.end(request.spans.root(), request.status(), error == null ? null : error.type());
    }
    if (request.principal == null) {
      metrics.rejected(request.model(), request.status(), error == null ? null : error.type());
    }
    if (response.ended()) {
      return; // streamed content, or a client that left
    }
    if (error != null) {
      if (response.headWritten()) {
        response.reset(); // a content stream broke after its head: the client must not take it for whole
      } else {
        ErrorResponses.write(response, error);
      }
    } else {
      response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .end(files.answer == null ? Buffer.buffer("{}") : files.answer.toBuffer());
    }
  }
}
