package dev.switchboard.spend;

/**
 * Told of each request's spend row as the accounting stage makes it (logging callbacks, alerts).
 * Runs on the request's own event loop: it must only hand the row on, never wait or do I/O.
 */
@FunctionalInterface
public interface SpendListener {

  SpendListener NONE = (event, row) -> { };

  void recorded(SpendEvent event, SpendRow row);

  /** Both, in order; a failure of one does not keep the row from the other. */
  static SpendListener both(SpendListener first, SpendListener second) {
    return (event, row) -> {
      try {
        first.recorded(event, row);
      } finally {
        second.recorded(event, row);
      }
    };
  }
}
