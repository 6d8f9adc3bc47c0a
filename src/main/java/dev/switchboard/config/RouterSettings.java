package dev.switchboard.config;

/** The implemented part of {@code router_settings}. */
public record RouterSettings(String routingStrategy) {

  public static final String SIMPLE_SHUFFLE = "simple-shuffle";
}
