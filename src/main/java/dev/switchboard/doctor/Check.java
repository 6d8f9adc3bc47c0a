package dev.switchboard.doctor;

import io.vertx.core.json.JsonObject;

/** One finding of {@code switchboard doctor}: what was checked, how it went, and what to do about it. */
public record Check(String name, Status status, String detail, String fix) {

  public enum Status { OK, WARN, FAIL }

  public static Check ok(String name, String detail) {
    return new Check(name, Status.OK, detail, null);
  }

  public static Check warn(String name, String detail, String fix) {
    return new Check(name, Status.WARN, detail, fix);
  }

  public static Check fail(String name, String detail, String fix) {
    return new Check(name, Status.FAIL, detail, fix);
  }

  public JsonObject toJson() {
    return new JsonObject().put("check", name).put("status", status.name()).put("detail", detail).put("fix", fix);
  }
}
