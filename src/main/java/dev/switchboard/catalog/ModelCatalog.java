package dev.switchboard.catalog;

import dev.switchboard.bus.Addresses;
import dev.switchboard.bus.Bus;
import dev.switchboard.config.DeploymentConfig;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.config.StartupException;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Deployment;
import dev.switchboard.reload.ConfigReloader;
import dev.switchboard.routing.LiveModels;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The deployments added at run time (one per gateway): kept in Postgres when
 * {@code general_settings.store_model_in_db} is on, loaded at start, served along with the file's
 * through the same swap as a reload, and re-read by every node of the cluster when one changes
 * them. Changes run one at a time, each checked against the whole model list before it is written.
 */
public final class ModelCatalog {

  private static final Logger LOG = Logger.getLogger(ModelCatalog.class.getName());

  private final Bus bus;
  private final ConfigReloader reloader;
  private final LiveModels live;
  private final ModelRows rows;
  private final boolean enabled;
  private final Function<String, String> env;
  private final String node = UUID.randomUUID().toString();
  /** The stored deployments in force, by id, oldest first; replaced whole, only inside {@link #serially}. */
  private volatile Map<String, StoredModel> models = Map.of();
  private Future<?> tail = Future.succeededFuture();

  /** @param pool the database, or null when the gateway runs without one */
  public ModelCatalog(Bus bus, ConfigReloader reloader, LiveModels live, Pool pool, GatewayConfig config) {
    this.bus = bus;
    this.reloader = reloader;
    this.live = live;
    this.env = config.source() == null ? System::getenv : config.source().processEnv();
    this.rows = pool == null ? null : new ModelRows(pool, Sealer.from(env, config.general().masterKey().value()));
    this.enabled = config.general().storeModelInDb();
  }

  /** Loads the stored deployments (when kept) and listens for the changes of the other nodes. */
  public Future<Void> start() {
    if (!enabled || rows == null) {
      return Future.succeededFuture();
    }
    return serially(this::refresh).compose(loaded -> bus.hear(Addresses.MODELS_CHANGED, news -> {
      if (!node.equals(news.getString("node"))) {
        serially(this::refresh).onFailure(e -> LOG.severe("Another node changed the stored models, and they could "
            + "not be re-read: still serving the previous ones. " + e.getMessage()));
      }
    }));
  }

  /** Re-reads the table and serves what can serve; a row that cannot (its provider key unset, say) is logged and left out. */
  private Future<Void> refresh() {
    return rows.all().map(all -> {
      Map<String, StoredModel> next = new LinkedHashMap<>();
      List<DeploymentConfig> entries = new ArrayList<>();
      for (StoredModel model : all) {
        try {
          DeploymentConfig entry = ModelEdits.entry(model, env);
          List<DeploymentConfig> candidate = new ArrayList<>(entries);
          candidate.add(entry);
          reloader.check(candidate);
          entries.add(entry);
          next.put(model.id(), model);
        } catch (GatewayError | StartupException e) {
          LOG.severe("Stored model " + model.id() + " (" + model.modelName() + ") is not served: " + e.getMessage());
        }
      }
      reloader.putStored(entries);
      models = Collections.unmodifiableMap(next);
      LOG.info("Serving " + entries.size() + " stored model deployment(s) from the database");
      return null;
    });
  }

  /** {@code POST /model/new}: LiteLLM's Deployment; answers the stored row, secrets left out. */
  public Future<JsonObject> add(JsonObject body) {
    return ready(false).compose(ok -> serially(() -> {
      ModelEdits.onlyKnownFields(body);
      JsonObject info = ModelEdits.object(body, "model_info", false);
      String id = ModelEdits.text(info, "id");
      if (id != null && (id.isBlank() || known(id))) {
        throw GatewayError.badRequest("model_info.id", "A deployment with model_info.id '" + id + "' already exists; "
            + "change it with /model/update, or leave model_info.id out to get a new id.");
      }
      Instant now = Instant.now();
      StoredModel model = new StoredModel(id == null ? UUID.randomUUID().toString() : id,
          ModelEdits.text(body, "model_name"), ModelEdits.object(body, "litellm_params", true),
          ModelEdits.storedInfo(info), now, StoredModel.ADMIN, now, StoredModel.ADMIN);
      List<DeploymentConfig> next = entriesWith(model, null);
      return rows.insert(model).compose(inserted -> inserted ? put(model, next)
          : Future.failedFuture(GatewayError.badRequest("model_info.id", "A deployment with model_info.id '"
              + model.id() + "' already exists.")));
    }));
  }

  /** {@code POST /model/update}: LiteLLM's updateDeployment by {@code model_info.id}; litellm_params and model_name change. */
  public Future<JsonObject> update(JsonObject body) {
    return ready(true).compose(ok -> serially(() -> {
      ModelEdits.onlyKnownFields(body);
      if (body.getValue("model_info") == null) {
        throw GatewayError.badRequest("model_info", "model_info not provided: name the deployment with "
            + "{\"model_info\": {\"id\": \"...\"}}");
      }
      String id = ModelEdits.text(ModelEdits.object(body, "model_info", true), "id");
      if (id == null) {
        throw GatewayError.badRequest("model_info.id", "model_info.id not provided");
      }
      StoredModel old = stored(id, "Can't edit model. Model in config. Store model in db via `/model/new`. to edit.",
          GatewayError.badRequest("model_info.id", "model not found: no stored deployment has model_info.id '" + id + "'"));
      if (!enabled) {
        throw ModelEdits.storeOff();
      }
      if (body.getValue("litellm_params") == null) {
        throw GatewayError.badRequest("litellm_params", "litellm_params not provided");
      }
      String name = ModelEdits.text(body, "model_name");
      return replace(old, name, ModelEdits.merged(old.litellmParams(), ModelEdits.object(body, "litellm_params", true)),
          old.modelInfo());
    }));
  }

  /** {@code PATCH /model/{model_id}/update}: only the fields given change, model_info included. */
  public Future<JsonObject> patch(String id, JsonObject body) {
    return ready(true).compose(ok -> serially(() -> {
      if (!enabled) {
        throw GatewayError.badRequest(null, "Model updates only supported for DB-stored models");
      }
      ModelEdits.onlyKnownFields(body);
      StoredModel old = stored(id, "Cannot edit config-based model. Store model in DB via /model/new first.",
          GatewayError.notFound("model_not_found", "model_id", "Model " + id + " not found on proxy."));
      JsonObject info = ModelEdits.storedInfo(ModelEdits.object(body, "model_info", false));
      return replace(old, ModelEdits.text(body, "model_name"),
          ModelEdits.merged(old.litellmParams(), ModelEdits.object(body, "litellm_params", false)),
          ModelEdits.merged(old.modelInfo(), info));
    }));
  }

  /** {@code POST /model/delete} with LiteLLM's ModelInfoDelete {@code {"id"}}. */
  public Future<JsonObject> delete(JsonObject body) {
    return ready(true).compose(ok -> serially(() -> {
      Object id = body.getValue("id");
      if (!(id instanceof String text) || text.isBlank()) {
        throw GatewayError.badRequest("id", "Name the deployment: {\"id\": \"<model_info.id>\"}.");
      }
      if (!models.containsKey(text)) {
        throw GatewayError.badRequest("id", "Model with id=" + text + " not found in db");
      }
      if (!enabled) {
        throw ModelEdits.storeOff();
      }
      Map<String, StoredModel> next = new LinkedHashMap<>(models);
      next.remove(text);
      List<DeploymentConfig> entries = entries(next.values());
      return rows.delete(text).compose(deleted -> install(next, entries))
          .map(done -> new JsonObject().put("message", "Model: " + text + " deleted successfully"));
    }));
  }

  private Future<JsonObject> replace(StoredModel old, String name, JsonObject params, JsonObject info) {
    StoredModel model = new StoredModel(old.id(), name == null ? old.modelName() : name, params, info,
        old.createdAt(), old.createdBy(), Instant.now(), StoredModel.ADMIN);
    List<DeploymentConfig> next = entriesWith(model, old.id());
    return rows.update(model).compose(updated -> updated ? put(model, next)
        : Future.failedFuture(GatewayError.notFound("model_not_found", "model_id", "Model " + old.id()
            + " not found on proxy.")));
  }

  /** The stored deployment {@code id}; a 400 when it is one of the file's, {@code missing} when there is none. */
  private StoredModel stored(String id, String inConfig, GatewayError missing) {
    StoredModel model = models.get(id);
    if (model != null) {
      return model;
    }
    throw known(id) ? GatewayError.badRequest(null, inConfig) : missing;
  }

  private boolean known(String id) {
    if (models.containsKey(id)) {
      return true;
    }
    for (Deployment deployment : live.registry().deployments()) {
      if (deployment.id().equals(id)) {
        return true;
      }
    }
    return false;
  }

  /** The stored entries with {@code model} added or in place of {@code replacing}, checked against the whole list. */
  private List<DeploymentConfig> entriesWith(StoredModel model, String replacing) {
    Map<String, StoredModel> next = new LinkedHashMap<>(models);
    next.put(model.id(), model);
    List<DeploymentConfig> entries = entries(next.values());
    try {
      reloader.check(entries);
    } catch (StartupException e) {
      throw ModelEdits.refused(e);
    }
    return entries;
  }

  private List<DeploymentConfig> entries(Iterable<StoredModel> all) {
    List<DeploymentConfig> out = new ArrayList<>();
    all.forEach(model -> out.add(ModelEdits.entry(model, env)));
    return out;
  }

  private Future<JsonObject> put(StoredModel model, List<DeploymentConfig> entries) {
    Map<String, StoredModel> next = new LinkedHashMap<>(models);
    next.put(model.id(), model);
    return install(next, entries).map(done -> model.toAnswer());
  }

  /** Serves {@code entries} now and tells the other nodes to re-read the table. */
  private Future<Void> install(Map<String, StoredModel> next, List<DeploymentConfig> entries) {
    reloader.putStored(entries);
    models = Collections.unmodifiableMap(next);
    bus.announce(Addresses.MODELS_CHANGED, new JsonObject().put("node", node));
    return Future.succeededFuture();
  }

  /** LiteLLM's order: no database is a 500 first; {@code store_model_in_db} off refuses a new model at once. */
  private Future<Void> ready(boolean lookupFirst) {
    if (rows == null) {
      return Future.failedFuture(ModelEdits.noDatabase());
    }
    return enabled || lookupFirst ? Future.succeededFuture() : Future.failedFuture(ModelEdits.storeOff());
  }

  /** Runs {@code change} after the one before it has finished, whatever its outcome. */
  private synchronized <T> Future<T> serially(Supplier<Future<T>> change) {
    Future<T> next = tail.transform(previous -> {
      try {
        return change.get();
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    });
    tail = next;
    return next;
  }
}
