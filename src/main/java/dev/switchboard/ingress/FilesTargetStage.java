package dev.switchboard.ingress;

import dev.switchboard.errors.GatewayError;
import dev.switchboard.files.FileStore;
import dev.switchboard.files.Owned;
import dev.switchboard.model.Deployment;
import dev.switchboard.pipeline.Stage;
import dev.switchboard.routing.CallRouter;
import dev.switchboard.routing.ModelGroup;
import io.vertx.core.Future;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where a Files or Batches call goes, and whether the key may make it. A new upload goes to an
 * OpenAI or Azure deployment of the model it names (or, naming none, of the first model the key may
 * use served by {@code custom_llm_provider}, OpenAI by default); a new batch to the deployment that
 * keeps its input file; every other call to the deployment the gateway recorded for the object,
 * which only the key that created it (and the master key) can see: another key hears 404.
 */
final class FilesTargetStage implements Stage<ModelCall> {

  /** Providers with OpenAI's Files and Batches APIs. */
  private static final Set<String> FILE_PROVIDERS = Set.of("openai", "azure");

  private final FilesCall files;
  private final FileStore store;
  private final CallRouter calls;

  FilesTargetStage(FilesCall files, FileStore store, CallRouter calls) {
    this.files = files;
    this.store = store;
    this.calls = calls;
  }

  @Override
  public String name() {
    return "access";
  }

  @Override
  public Future<Void> before(ModelCall request) {
    if (!store.enabled()) {
      return Future.failedFuture(FileStore.noDatabase());
    }
    String owner = StoredResponsesStage.owner(request.principal);
    Future<Void> found = switch (files.action) {
      case FILE_LIST, BATCH_LIST -> Future.succeededFuture();
      case FILE_CREATE -> {
        files.deployment = request.model() != null ? inGroup(request, request.model()) : byProvider(request);
        yield Future.succeededFuture();
      }
      case BATCH_CREATE -> {
        String input = files.body.getString("input_file_id");
        yield store.find(Owned.FILE, input, owner).compose(file -> file != null ? at(request, file)
            : Future.failedFuture(GatewayError.badRequest("input_file_id", "No file '" + input + "' uploaded through "
                + "this gateway with this key: upload the batch's input with POST /v1/files first.")));
      }
      default -> store.find(files.action.kind, files.id, owner).compose(owned -> owned != null ? at(request, owned)
          : Future.failedFuture(notFound()));
    };
    return found.compose(v -> {
      if (files.deployment == null) {
        return Future.succeededFuture();
      }
      String model = files.owned != null ? files.owned.model() : files.deployment.modelGroup();
      GatewayError refused = calls.refusal(request.models, model, request.principal);
      if (refused != null) {
        return Future.failedFuture(refused);
      }
      request.call = new ModelRequest(request.call.operation(), request.call.body(), model, false, false);
      return Future.succeededFuture();
    });
  }

  /** The object's deployment, if it is still configured. */
  private Future<Void> at(ModelCall request, Owned owned) {
    files.owned = owned;
    files.deployment = request.models.registry().deployments().stream()
        .filter(d -> d.id().equals(owned.deploymentId())).findFirst().orElse(null);
    if (files.deployment == null) {
      return Future.failedFuture(GatewayError.notFound(files.action.kind + "_not_found", null, "The " + files.action.kind
          + " '" + owned.id() + "' is kept by a deployment of '" + owned.model() + "' that is no longer configured."));
    }
    return Future.succeededFuture();
  }

  /** An OpenAI or Azure deployment of the named model (the key's access is checked after). */
  private Deployment inGroup(ModelCall request, String model) {
    GatewayError refused = calls.refusal(request.models, model, request.principal);
    if (refused != null) {
      throw refused;
    }
    ModelGroup group = request.models.registry().resolve(model);
    List<Deployment> able = group == null ? List.of() : group.deployments().stream()
        .filter(d -> FILE_PROVIDERS.contains(d.provider().prefix())).toList();
    if (able.isEmpty()) {
      throw GatewayError.badRequest("model", "'" + model + "' has no OpenAI or Azure deployment: files and batches "
          + "are passed through to those only.");
    }
    return able.get(ThreadLocalRandom.current().nextInt(able.size()));
  }

  /** Naming no model: the first deployment of {@code custom_llm_provider} (OpenAI by default) whose model the key may use. */
  private Deployment byProvider(ModelCall request) {
    String provider = files.pathProvider != null ? files.pathProvider : files.param("custom_llm_provider");
    String wanted = provider == null ? "openai" : provider;
    if (!FILE_PROVIDERS.contains(wanted)) {
      throw GatewayError.badRequest("custom_llm_provider", "'custom_llm_provider' must be openai or azure: the "
          + "providers whose Files and Batches APIs the gateway passes through.");
    }
    return request.models.registry().deployments().stream()
        .filter(d -> wanted.equals(d.provider().prefix()))
        .filter(d -> calls.refusal(request.models, d.modelGroup(), request.principal) == null)
        .findFirst().orElseThrow(() -> GatewayError.badRequest("model", "Name the model to upload to (form field "
            + "'model', query ?model= or header x-litellm-model): no model this key may use has a " + wanted
            + " deployment."));
  }

  private GatewayError notFound() {
    return GatewayError.notFound(files.action.kind + "_not_found", null, "No " + files.action.kind + " '" + files.id
        + "' created through this gateway with this key. Each file and batch is seen only by the key that created it"
        + " (and the master key).");
  }
}
