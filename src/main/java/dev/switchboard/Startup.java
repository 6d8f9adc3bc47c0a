package dev.switchboard;

import dev.switchboard.config.GatewayConfig;
import dev.switchboard.guardrail.Guardrails;
import dev.switchboard.config.StartupException;
import dev.switchboard.routing.DisabledDeployment;
import dev.switchboard.routing.ModelRegistry;
import java.net.BindException;
import java.util.logging.Logger;

/** What a starting gateway says: its config's warnings, and a failed start as one clear sentence. */
final class Startup {

  private static final Logger LOG = Logger.getLogger(Gateway.class.getName());

  private Startup() {
  }

  static void report(GatewayConfig config, boolean open) {
    if (config.general().withoutDatabase()) {
      LOG.info("Running without a database (database_url: none): virtual keys are off, the master key alone is accepted.");
    }
    if (!config.ignoredKeys().isEmpty()) {
      LOG.warning("Ignoring settings Switchboard does not implement yet: " + String.join(", ", config.ignoredKeys()));
    }
    if (open) {
      LOG.warning("No general_settings.master_key is set: this gateway is OPEN and anyone who can reach it may use "
          + "every model. Set master_key (starting with sk-) before exposing it.");
    }
  }

  /** The configured guardrails, built; a setting that cannot work stops the start with one line naming it. */
  static Guardrails guardrails(GatewayConfig config, io.vertx.core.Vertx vertx) {
    Guardrails guardrails;
    try {
      guardrails = Guardrails.of(config.guardrails(), vertx);
    } catch (IllegalArgumentException e) {
      throw new StartupException(e.getMessage());
    }
    if (!guardrails.unsupported().isEmpty()) {
      LOG.warning("Guardrails whose service Switchboard does not call yet (never run; a request naming one is refused): "
          + String.join(", ", guardrails.unsupported()));
    }
    return guardrails;
  }

  /** Each deployment kept out of routing, and why: the gateway serves the others. */
  static void disabled(ModelRegistry registry) {
    for (DisabledDeployment d : registry.disabled()) {
      LOG.warning("Deployment disabled, the other models serve: " + d.describe());
    }
  }

  static Throwable failure(Throwable failure, Gateway.Options options) {
    if (failure instanceof BindException || failure.getCause() instanceof BindException) {
      return new StartupException("Port " + options.port() + " on " + options.host() + " is already in use. "
          + "Find the process with `ss -ltnp 'sport = :" + options.port() + "'` (or `lsof -i :" + options.port()
          + "`), stop it, or start Switchboard with --port N.");
    }
    if (failure instanceof StartupException) {
      return failure;
    }
    return new StartupException("Cannot start: " + failure.getClass().getSimpleName() + ": " + failure.getMessage());
  }
}
