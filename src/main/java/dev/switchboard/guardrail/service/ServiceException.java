package dev.switchboard.guardrail.service;

/**
 * A guardrail service that could not answer. The message is safe to log: it names the service's
 * address and what went wrong, never a key or a checked text. No stack trace: it says all there is.
 */
public final class ServiceException extends RuntimeException {

  public ServiceException(String message) {
    super(message, null, false, false);
  }
}
