package dev.switchboard.admin;

import dev.switchboard.errors.GatewayError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** Reading an admin request: its JSON body, required and list fields, paging; each mistake a 400 naming the field. */
public final class AdminInput {

  public static final int MAX_PAGE_SIZE = 100;

  private AdminInput() {
  }

  public static JsonObject body(RoutingContext ctx) {
    if (ctx.body() == null || ctx.body().length() == 0) {
      return new JsonObject();
    }
    try {
      return ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      throw GatewayError.badRequest(null, "The request body is not a valid JSON object.");
    }
  }

  public static String requiredText(JsonObject body, String field, String example) {
    if (!(body.getValue(field) instanceof String value) || value.isBlank()) {
      throw GatewayError.badRequest(field, "Name it: {\"" + field + "\": \"" + example + "\"}.");
    }
    return value;
  }

  public static List<String> strings(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray list) || list.stream().anyMatch(item -> !(item instanceof String))) {
      throw GatewayError.badRequest(field, "'" + field + "' must be a list of strings.");
    }
    return list.getList();
  }

  public static int positive(RoutingContext ctx, String name, int fallback) {
    String text = ctx.request().getParam(name);
    if (text == null) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(text);
      if (value < 1) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw GatewayError.badRequest(name, "'" + name + "' must be a whole number of at least 1.");
    }
  }

  public static GatewayError notFound(String what, String param) {
    return GatewayError.notFound(what + "_not_found", param, "No such " + what + " (it may have been deleted).");
  }
}
