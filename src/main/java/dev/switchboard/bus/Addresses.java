package dev.switchboard.bus;

/** Every event-bus address of the gateway, in one place. */
public final class Addresses {

  public static final String AUTH_CHECK = "sb.auth.check";
  public static final String ROUTER_PICK = "sb.router.pick";
  public static final String RELAY_CALL = "sb.relay.call";
  public static final String SPEND_RECORD = "sb.spend.record";

  private Addresses() {
  }
}
