package dev.switchboard.relay;

import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.MediaCalls;
import dev.switchboard.model.Operation;
import dev.switchboard.model.RelayCall;
import dev.switchboard.model.RelayResult;
import dev.switchboard.model.Usage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.function.BiFunction;

/**
 * A media answer, passed to the client as the provider sent it, with its content type. Images and
 * speech are piped chunk by chunk at the client's pace (never held whole; what they cost is known
 * from the request). A transcription or translation is read first, bounded, since what it costs is in its answer
 * (its seconds of audio, or its tokens); so is an image answer from a model that charges tokens (gpt-image-1). The end of either waits for its spend row, as a stream's does.
 */
final class MediaRelay {

  /** A transcript (even verbose_json with word timestamps) is text: far below this. */
  static final int MAX_TRANSCRIPT_BYTES = 16 * 1024 * 1024;
  /** Ten base64 images at gpt-image-1's largest size and quality fit well below this. */
  static final int MAX_IMAGES_BYTES = 96 * 1024 * 1024;

  private final RelayCall call;
  private final HttpClientRequest request;
  private final HttpClientResponse upstream;
  private final HttpServerResponse client;
  private final Promise<RelayResult> result = Promise.promise();
  private long firstByteNanos;

  private MediaRelay(RelayCall call, HttpClientRequest request, HttpClientResponse upstream) {
    this.call = call;
    this.request = request;
    this.upstream = upstream;
    this.client = call.response();
  }

  static boolean handles(Operation operation) {
    return MediaCalls.is(operation);
  }

  static Future<RelayResult> start(RelayCall call, HttpClientRequest request, HttpClientResponse upstream) {
    MediaRelay relay = new MediaRelay(call, request, upstream);
    if (call.response() == null) {
      return Future.failedFuture(new IllegalStateException("a media call needs its client's response"));
    }
    Usage asked = Usage.NONE.withUnits(call.body().unitsAsked()).withUnitVariant(call.body().unitVariant());
    if (MediaCalls.billedByAnswer(call.operation())) {
      relay.buffered(MAX_TRANSCRIPT_BYTES, "transcript", (body, type) -> {
        Usage answered = transcribed(body, type);
        return answered.totalTokens() > 0 || answered.units() > 0 ? answered : asked; // text, srt, vtt: the upload's seconds
      });
    } else if (asked.units() > 0 && tokenPriced(call)) {
      // gpt-image-1 and the like: what the images cost is the usage at the end of the answer, so it is read first
      relay.buffered(MAX_IMAGES_BYTES, "image answer", (body, type) -> imaged(body, type, asked, call));
    } else {
      relay.piped(asked);
    }
    return relay.result.future();
  }

  private void piped(Usage usage) {
    client.closeHandler(v -> gone(usage));
    upstream.exceptionHandler(failure -> failed(failure, usage));
    upstream.handler(chunk -> {
      if (firstByteNanos == 0) {
        firstByteNanos = System.nanoTime() - call.startNanos();
        head(usage);
      }
      client.write(chunk);
      if (client.writeQueueFull()) {
        upstream.pause();
        client.drainHandler(v -> upstream.resume());
      }
    });
    upstream.endHandler(v -> {
      if (firstByteNanos == 0) {
        head(usage);
      }
      ended(usage, client::end);
    });
  }

  /** Headers go out with the first bytes: a failure before them may still be retried, with a clean response. */
  private void head(Usage usage) {
    client.setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, contentType());
    if (call.costOf() != null) {
      client.putHeader(RelayCall.COST_HEADER, RelayCall.costText(call.costOf().applyAsDouble(usage)));
    }
    String length = upstream.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null) {
      client.putHeader(HttpHeaders.CONTENT_LENGTH, length);
    } else {
      client.setChunked(true);
    }
  }

  /** Whether the deployment charges tokens, so an image answer's usage decides its cost. */
  private static boolean tokenPriced(RelayCall call) {
    return call.costOf() != null && call.costOf().applyAsDouble(new Usage(1, 1, 2, 0)) > 0;
  }

  /** An image answer's usage (gpt-image-1's tokens) where it has one and the model charges tokens, else the images asked for. */
  private static Usage imaged(Buffer body, String contentType, Usage asked, RelayCall call) {
    Usage tokens = transcribed(body, contentType);
    return tokens.totalTokens() > 0 && call.costOf().applyAsDouble(tokens) > 0 ? tokens : asked;
  }

  private void buffered(int limit, String what, BiFunction<Buffer, String, Usage> billed) {
    Buffer body = Buffer.buffer();
    client.closeHandler(v -> gone(Usage.NONE));
    upstream.exceptionHandler(failure -> failed(failure, Usage.NONE));
    upstream.handler(chunk -> {
      if (result.future().isComplete()) {
        return;
      }
      if (body.length() + chunk.length() > limit) {
        request.reset();
        result.tryFail(GatewayError.of(ErrorClass.API_CONNECTION, "upstream_answer_too_large", "The provider's " + what + " from "
            + call.deployment().describe() + " is larger than " + limit / (1024 * 1024) + " MB; it was not relayed."));
        return;
      }
      body.appendBuffer(chunk);
    });
    upstream.endHandler(v -> {
      firstByteNanos = System.nanoTime() - call.startNanos();
      String type = contentType();
      // The cost header is the caller's to add, from this usage, before the ending writes the head.
      ended(billed.apply(body, type), () -> client.setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, type).end(body));
    });
  }

  /** What a transcription is billed by: its seconds of audio (whisper), or its tokens (gpt-4o-transcribe). */
  static Usage transcribed(Buffer body, String contentType) {
    if (!contentType.contains("json")) {
      return Usage.NONE; // text, srt, vtt: the answer names no duration
    }
    JsonObject answer;
    try {
      answer = new JsonObject(body);
    } catch (RuntimeException notJson) {
      return Usage.NONE;
    }
    if (answer.getValue("usage") instanceof JsonObject usage) {
      if (usage.getValue("seconds") instanceof Number seconds) {
        return Usage.NONE.withUnits((long) Math.ceil(seconds.doubleValue()));
      }
      long input = usage.getValue("input_tokens") instanceof Number n ? n.longValue() : 0;
      long output = usage.getValue("output_tokens") instanceof Number n ? n.longValue() : 0;
      return new Usage(input, output, input + output, 0);
    }
    // verbose_json: the audio's duration in seconds
    return answer.getValue("duration") instanceof Number duration
        ? Usage.NONE.withUnits((long) Math.ceil(duration.doubleValue())) : Usage.NONE;
  }

  private String contentType() {
    String type = upstream.getHeader(HttpHeaders.CONTENT_TYPE);
    return type == null ? "application/octet-stream" : type;
  }

  /** The answer is in: its end is left to the caller, who first makes the spend row durable. */
  private void ended(Usage usage, Runnable end) {
    Runnable ending = () -> {
      if (!client.closed()) {
        end.run();
      }
    };
    if (call.holdEnding()) {
      result.tryComplete(new RelayResult(null, usage, firstByteNanos, null, false, ending));
    } else {
      ending.run();
      result.tryComplete(new RelayResult(null, usage, firstByteNanos, null, false));
    }
  }

  private void failed(Throwable failure, Usage usage) {
    if (result.future().isComplete()) {
      return;
    }
    request.reset();
    GatewayError error = UpstreamErrors.fromException(call.deployment(), failure, call.timeoutMs(), "timeout");
    if (!client.headWritten()) {
      result.tryFail(error);
      return;
    }
    client.reset(); // the status is sent: a cut connection is the only way left to say the bytes are incomplete
    result.tryComplete(new RelayResult(null, usage, firstByteNanos, error, false));
  }

  private void gone(Usage usage) {
    if (result.future().isComplete()) {
      return;
    }
    request.reset();
    result.tryComplete(new RelayResult(null, usage, firstByteNanos, null, true));
  }
}
