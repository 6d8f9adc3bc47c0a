package dev.switchboard.reload;

import dev.switchboard.admin.AdminRoute;
import dev.switchboard.auth.Authenticator;
import dev.switchboard.bus.Addresses;
import dev.switchboard.bus.Bus;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.ConfigSource;
import dev.switchboard.config.DeploymentConfig;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.config.StartupException;
import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.metrics.Metrics;
import dev.switchboard.ratelimit.FairQueues;
import dev.switchboard.routing.ModelRegistry;
import dev.switchboard.routing.Routing;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Hot reload (one per gateway): re-reads the config file the gateway started from, validates it
 * whole, and puts its {@code model_list} and routing settings in force without touching the
 * requests in flight. {@code POST /config/reload} (master key) reloads this node and announces it,
 * and every other node of the cluster then re-reads its own file. A file that does not load
 * changes nothing; settings that only a restart can change are reported, not applied. The
 * deployments kept in the database ({@link #putStored}) are served after the file's and kept by
 * every reload.
 */
public final class ConfigReloader {

  private static final Logger LOG = Logger.getLogger(ConfigReloader.class.getName());

  /** What {@code apply} needs from the running gateway. */
  public record Targets(Routing routing, FairQueues queues, Metrics metrics,
      Authenticator authenticator, RuntimeSettings settings) {
  }

  /** The settings besides the models that a reload puts in force (guardrails, logging callbacks). */
  public interface RuntimeSettings {

    RuntimeSettings NONE = next -> () -> Future.succeededFuture(List.of());

    /**
     * Builds what {@code next} needs, off the event loop, changing nothing; a StartupException
     * names what cannot work (the reload is then refused whole).
     */
    Prepared prepare(GatewayConfig next);

    /** Ready to go in force. */
    interface Prepared {
      /** Puts it in force; the names of the settings that changed. */
      Future<List<String>> apply();
    }
  }

  private final Vertx vertx;
  private final Bus bus;
  private final Targets targets;
  private final ConfigSource source;
  private final String node = UUID.randomUUID().toString();
  /** The file as last put in force (guarded by this). */
  private GatewayConfig inForce;
  /** The deployments kept in the database ({@code /model/new}), served along with the file's. */
  private volatile List<DeploymentConfig> stored = List.of();

  public ConfigReloader(Vertx vertx, Bus bus, Targets targets, GatewayConfig started) {
    this.vertx = vertx;
    this.bus = bus;
    this.targets = targets;
    this.source = started.source();
    this.inForce = asRead(started);
  }

  /**
   * The config as its file said it, before the command line or a test adjusted it, so the next
   * reading is compared with the last one and an adjustment is not taken for a change.
   */
  private static GatewayConfig asRead(GatewayConfig started) {
    ConfigSource source = started.source();
    if (source == null) {
      return started;
    }
    try {
      return new ConfigLoader(source.processEnv()).parse(source.text(), source.name());
    } catch (StartupException e) {
      return started;
    }
  }

  /** Hears the reloads announced by the other nodes (this node's own announcement is already applied). */
  public Future<Void> listen() {
    return bus.hear(Addresses.CONFIG_RELOADED, news -> {
      if (!node.equals(news.getString("node"))) {
        reload().onSuccess(changes -> LOG.info("Config reloaded as announced by another node: " + changes.encode()))
            .onFailure(e -> LOG.log(Level.SEVERE, "Another node reloaded its config, and this node's file "
                + (source == null ? "" : source.name()) + " does not load: still running on the previous one. "
                + e.getMessage()));
      }
    });
  }

  public void mount(Router router) {
    router.post("/config/reload").handler(AdminRoute.json(ctx -> reloadEverywhere()));
  }

  /** Reloads this node and, when that succeeded, announces it so every node re-reads its file. */
  public Future<JsonObject> reloadEverywhere() {
    return reload().map(changes -> {
      bus.announce(Addresses.CONFIG_RELOADED, new JsonObject().put("node", node));
      return changes.put("announced", true);
    });
  }

  /** Re-reads the file (off the event loop), validates it, applies it; a file that does not load is a 400. */
  public Future<JsonObject> reload() {
    if (source == null) {
      return Future.failedFuture(invalid("This gateway was not started from a config file: nothing to re-read."));
    }
    return vertx.executeBlocking(() -> {
      GatewayConfig next = new ConfigLoader(source.processEnv()).load(Path.of(source.name()));
      List<DeploymentConfig> storedNow = stored;
      return new Reading(next, ModelRegistry.from(withStored(next, storedNow)), storedNow,
          targets.settings().prepare(next));
    }, false).recover(failure -> Future.failedFuture(failure instanceof StartupException
        ? invalid("The config was not reloaded, nothing changed: " + failure.getMessage()) : failure))
        .compose(reading -> {
          JsonObject changes = apply(reading);
          // Guardrails and sinks after the models: a sink that cannot start leaves the models reloaded, and says so.
          return reading.settings().apply().map(applied -> changes.put("settings_applied", new JsonArray(applied)))
              .recover(e -> Future.succeededFuture(changes.put("settings_applied", new JsonArray())
                  .put("settings_error", e.getMessage())));
        });
  }

  /**
   * The model list the file's deployments and {@code entries} (deployments kept in the database)
   * make together: a StartupException naming the problem when they cannot serve together.
   */
  public synchronized ModelRegistry check(List<DeploymentConfig> entries) {
    return ModelRegistry.from(withStored(inForce, entries));
  }

  /**
   * Puts the file's deployments with {@code entries} in force in place of the stored ones before
   * (a reload keeps them); a StartupException when they cannot serve together, and nothing changes.
   */
  public synchronized void putStored(List<DeploymentConfig> entries) {
    GatewayConfig merged = withStored(inForce, entries);
    ModelRegistry registry = ModelRegistry.from(merged);
    stored = List.copyOf(entries);
    targets.queues().adopt(registry.deployments());
    targets.metrics().adopt(registry);
    targets.routing().apply(registry, merged.router().routing());
    targets.authenticator().forget(null);
  }

  /** The file's model list followed by the stored deployments, numbered after it. */
  private static GatewayConfig withStored(GatewayConfig file, List<DeploymentConfig> entries) {
    if (entries.isEmpty()) {
      return file;
    }
    List<DeploymentConfig> models = new ArrayList<>(file.modelList());
    for (DeploymentConfig entry : entries) {
      models.add(new DeploymentConfig(entry.modelName(), entry.params(), entry.info(), models.size()));
    }
    return new GatewayConfig(List.copyOf(models), file.general(), file.router(), file.litellm(), file.spend(),
        file.cluster(), file.ignoredKeys(), file.observability(), file.source(), file.guardrails());
  }

  /** The file as read, and the registry of its deployments with {@code stored}, the stored ones then. */
  private record Reading(GatewayConfig config, ModelRegistry registry, List<DeploymentConfig> stored,
      RuntimeSettings.Prepared settings) {
  }

  /** Limits, prices and meters are made ready for the new deployments before the routing swaps its one reference. */
  private synchronized JsonObject apply(Reading read) {
    // A stored model changed while the file was read: the registry is built again with the ones in force.
    Reading reading = read.stored() == stored ? read
        : new Reading(read.config(), ModelRegistry.from(withStored(read.config(), stored)), stored, read.settings());
    ConfigChanges changes = ConfigChanges.between(inForce, reading.config());
    targets.queues().adopt(reading.registry().deployments());
    targets.metrics().adopt(reading.registry());
    targets.routing().apply(reading.registry(), reading.config().router().routing()); // with the stored deployments
    // Access groups may have changed: keys are expanded again on their next request.
    targets.authenticator().forget(null);
    inForce = reading.config();
    reading.registry().disabled().forEach(d -> LOG.warning("Deployment disabled, the other models serve: "
        + d.describe()));
    LOG.info("Config reloaded from " + source.name() + ": " + reading.registry().modelNames().size() + " models ("
        + reading.registry().deploymentCount() + " deployments)" + (changes.restartNeeded().isEmpty() ? ""
        : "; these changes need a restart and were not applied: " + String.join(", ", changes.restartNeeded())));
    return changes.toJson().put("reloaded", true).put("config", source.name())
        .put("model_count", reading.registry().modelNames().size())
        .put("disabled", new io.vertx.core.json.JsonArray(reading.registry().disabled().stream()
            .map(d -> (Object) d.describe()).toList()));
  }

  private static GatewayError invalid(String message) {
    return GatewayError.of(ErrorClass.BAD_REQUEST, "invalid_config", message);
  }
}
