package dev.switchboard.catalog;

import dev.switchboard.admin.AdminInput;
import dev.switchboard.admin.AdminRoute;
import io.vertx.ext.web.Router;

/**
 * LiteLLM's model management endpoints, behind the master key ({@link dev.switchboard.admin.AdminGuard}
 * guards their paths): {@code POST /model/new}, {@code POST /model/update},
 * {@code PATCH /model/{model_id}/update}, {@code POST /model/delete}.
 */
public final class ModelManagementRoutes {

  /** The paths the admin guard must cover; {@code /model/info} stays open to virtual keys. */
  public static final String[] PATHS = {"/model/new", "/model/update", "/model/delete", "/model/:model_id/update"};

  private final ModelCatalog catalog;

  public ModelManagementRoutes(ModelCatalog catalog) {
    this.catalog = catalog;
  }

  public void mount(Router router) {
    router.post("/model/new").handler(AdminRoute.json(ctx -> catalog.add(AdminInput.body(ctx))));
    router.post("/model/update").handler(AdminRoute.json(ctx -> catalog.update(AdminInput.body(ctx))));
    router.patch("/model/:model_id/update").handler(AdminRoute.json(ctx ->
        catalog.patch(ctx.pathParam("model_id"), AdminInput.body(ctx))));
    router.post("/model/delete").handler(AdminRoute.json(ctx -> catalog.delete(AdminInput.body(ctx))));
  }
}
