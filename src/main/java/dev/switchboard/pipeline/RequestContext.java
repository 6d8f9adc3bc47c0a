package dev.switchboard.pipeline;

/**
 * What one request has learnt on its way through the chain. Owned by the request's event loop;
 * each operation's context extends it with its own facts (the parsed call, principal, permit...).
 */
public abstract class RequestContext {

  private final String requestId;
  private final long startNanos = System.nanoTime();
  private final long startMillis = System.currentTimeMillis();
  private Throwable failure;
  private boolean answered;

  protected RequestContext(String requestId) {
    this.requestId = requestId;
  }

  public String requestId() {
    return requestId;
  }

  public long startNanos() {
    return startNanos;
  }

  public long startMillis() {
    return startMillis;
  }

  /** Why the request failed (the first stage to refuse it, or an error thrown); null while it has not. */
  public Throwable failure() {
    return failure;
  }

  public boolean failed() {
    return failure != null;
  }

  void fail(Throwable cause) {
    if (failure == null) {
      failure = cause;
    }
  }

  /** A stage has the answer (a cached one, a refusal written in full): the stages after it are skipped. */
  public void answer() {
    answered = true;
  }

  public boolean answered() {
    return answered;
  }
}
