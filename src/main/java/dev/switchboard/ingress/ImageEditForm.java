package dev.switchboard.ingress;

import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.MediaCalls;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What {@code /v1/images/edits} needs in its form, as OpenAI and LiteLLM take it: the image or images
 * to edit as file parts under {@code image} (repeated for several) or {@code image[]}, never both;
 * an optional {@code mask} (or {@code mask[]}) file; a {@code prompt}. Each problem is a 400 naming its field.
 */
final class ImageEditForm {

  private ImageEditForm() {
  }

  static void check(JsonObject form) {
    files(form, "image", true);
    files(form, "mask", false);
    if (!(form.getValue("prompt") instanceof String prompt) || prompt.isBlank()) {
      throw GatewayError.badRequest("prompt", "'prompt' is required: a non-empty text field, the description of the edit to make.");
    }
  }

  private static void files(JsonObject form, String field, boolean required) {
    Object plain = form.getValue(field);
    Object bracketed = form.getValue(field + "[]");
    if (plain != null && bracketed != null) {
      throw GatewayError.badRequest(field, "Send '" + field + "' or '" + field + "[]', not both.");
    }
    Object value = plain != null ? plain : bracketed;
    String name = plain != null || bracketed == null ? field : field + "[]";
    if (value == null) {
      if (required) {
        throw GatewayError.badRequest(field, "Missing required '" + field + "' part: the image to edit, sent as a file in the form"
            + " (repeat it, or use '" + field + "[]', for several).");
      }
      return;
    }
    boolean allFiles = value instanceof JsonArray several ? !several.isEmpty() && several.stream().allMatch(MediaCalls::isFile)
        : MediaCalls.isFile(value);
    if (!allFiles) {
      throw GatewayError.badRequest(name, "'" + name + "' must be a file upload in the form (a part with a filename), not a text field.");
    }
  }
}
