package dev.switchboard.guardrail;

import dev.switchboard.config.GuardrailConfig;
import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.guardrail.service.GuardService;
import dev.switchboard.guardrail.service.ServiceClient;
import dev.switchboard.guardrail.service.Services;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The configured guardrails (top-level {@code guardrails:}), built once per config, and which of
 * them a request runs: the {@code default_on} ones, those its key's or team's metadata name
 * ({@code metadata.guardrails}), and those its body names ({@code guardrails}, or
 * {@code metadata.guardrails}).
 */
public final class Guardrails {

  /** LiteLLM's guardrail types whose service Switchboard does not call yet. */
  private static final Set<String> NOT_CALLED = Set.of("bedrock", "aim", "guardrails_ai", "azure/prompt_shield",
      "azure/text_moderations");

  public static final Guardrails NONE = new Guardrails(Map.of(), List.of());

  /**
   * One configured guardrail: its {@code check} runs in-process, its {@code service} is called; both
   * are null for an unsupported type (see {@link #unsupported()}).
   */
  record Guardrail(String name, String type, Set<Mode> modes, boolean defaultOn, Check check, GuardService service) {

    boolean runs() {
      return check != null || service != null;
    }
  }

  private final Map<String, Guardrail> byName;
  private final List<String> unsupported;
  private Guardrails(Map<String, Guardrail> byName, List<String> unsupported) {
    this.byName = byName;
    this.unsupported = unsupported;
  }

  /** Built-in guardrails only (a service guardrail needs {@link #of(List, Vertx)}). */
  public static Guardrails of(List<GuardrailConfig> configs) {
    return of(configs, null);
  }

  /**
   * @param vertx what service guardrails call their service with (one client for all of them,
   *              closed with it)
   * @throws IllegalArgumentException naming the guardrail whose settings are wrong
   */
  public static Guardrails of(List<GuardrailConfig> configs, Vertx vertx) {
    Map<String, Guardrail> byName = new LinkedHashMap<>();
    List<String> unsupported = new ArrayList<>();
    ServiceClient client = null;
    for (GuardrailConfig config : configs) {
      Set<Mode> modes = EnumSet.noneOf(Mode.class);
      config.modes().forEach(mode -> modes.add(Mode.of(mode)));
      Check check = null;
      GuardService service = null;
      try {
        check = build(config);
        if (check == null && Services.TYPES.contains(config.guardrail())) {
          if (vertx == null) {
            throw new IllegalArgumentException("a service guardrail needs the gateway's Vert.x");
          }
          client = client == null ? new ServiceClient(vertx) : client;
          service = Services.of(config.guardrail(), config.params(), client);
          if (service.checksAnswers()) {
            modes.add(Mode.POST_CALL); // LiteLLM widens the mode so the answer gets its tokens back
          }
        }
      } catch (IllegalArgumentException | io.vertx.core.json.DecodeException e) {
        throw new IllegalArgumentException("guardrails: '" + config.name() + "' (" + config.guardrail() + "): "
            + e.getMessage());
      }
      Guardrail guardrail = new Guardrail(config.name(), config.guardrail(), modes, config.defaultOn(), check, service);
      if (!guardrail.runs()) {
        unsupported.add(config.name() + " (" + config.guardrail() + ")");
      }
      byName.put(config.name(), guardrail);
    }
    return new Guardrails(Map.copyOf(byName), List.copyOf(unsupported));
  }

  private static Check build(GuardrailConfig config) {
    Map<String, Object> params = config.params();
    return switch (config.guardrail()) {
      case "litellm_content_filter", "pii_masking" -> ContentFilter.of(params, List.of(), Action.MASK);
      case "hide-secrets", "hide_secrets" -> ContentFilter.of(params, List.of("api_key", "secret_token"), Action.MASK);
      case "prompt_limits" -> PromptLimits.of(params);
      case "json_schema" -> JsonSchemaCheck.of(params);
      default -> {
        if (!NOT_CALLED.contains(config.guardrail()) && !Services.TYPES.contains(config.guardrail())) {
          throw new IllegalArgumentException("unknown guardrail type; built in: litellm_content_filter, hide-secrets, "
              + "prompt_limits, json_schema; services: " + String.join(", ", Services.TYPES));
        }
        yield null;
      }
    };
  }


  public boolean isEmpty() {
    return byName.isEmpty();
  }

  /** Guardrails whose service is not supported yet, for the start-up report: they never run. */
  public List<String> unsupported() {
    return unsupported;
  }

  /**
   * The guardrails one request runs, in config order of selection.
   *
   * @throws GatewayError 400 when a name is not configured, or names a guardrail that cannot run
   */
  public Selection select(JsonObject keyMetadata, JsonObject teamMetadata, JsonObject body) {
    Set<String> names = new LinkedHashSet<>();
    Map<String, JsonObject> extraBody = new LinkedHashMap<>();
    byName.values().stream().filter(Guardrail::defaultOn).filter(Guardrail::runs).forEach(g -> names.add(g.name()));
    names.addAll(named(keyMetadata == null ? null : keyMetadata.getValue("guardrails"), "the key's metadata.guardrails"));
    names.addAll(named(teamMetadata == null ? null : teamMetadata.getValue("guardrails"), "the team's metadata.guardrails"));
    Object own = body.remove("guardrails"); // the gateway's, never the provider's
    names.addAll(named(own, "guardrails"));
    extraBodies(own, extraBody);
    if (body.getValue("metadata") instanceof JsonObject metadata) {
      names.addAll(named(metadata.getValue("guardrails"), "metadata.guardrails"));
      extraBodies(metadata.getValue("guardrails"), extraBody);
    }
    List<Guardrail> chosen = new ArrayList<>();
    for (String name : names) {
      Guardrail guardrail = byName.get(name);
      if (guardrail == null) {
        throw GatewayError.badRequest("guardrails", "Guardrail '" + name + "' is not configured. Configured: "
            + byName.keySet() + ".");
      }
      if (!guardrail.runs()) {
        throw GatewayError.badRequest("guardrails", "Guardrail '" + name + "' uses '" + guardrail.type()
            + "', which this gateway does not call yet; use a built-in guardrail.");
      }
      chosen.add(guardrail);
    }
    return new Selection(chosen, extraBody);
  }

  /**
   * A list of names (or of LiteLLM's {@code {name: {settings}}} entries), or LiteLLM's mapping of
   * name to per-request settings: the names.
   */
  private static List<String> named(Object value, String where) {
    if (value == null) {
      return List.of();
    }
    if (value instanceof JsonArray list) {
      List<String> out = new ArrayList<>();
      for (Object item : list) {
        if (item instanceof String name) {
          out.add(name);
        } else if (item instanceof JsonObject entry) {
          out.addAll(entry.fieldNames());
        } else {
          throw GatewayError.badRequest("guardrails", where + " must be a list of guardrail names");
        }
      }
      return out;
    }
    if (value instanceof JsonObject map) {
      return List.copyOf(map.fieldNames());
    }
    throw GatewayError.badRequest("guardrails", where + " must be a list of guardrail names");
  }

  /**
   * The request's per-guardrail {@code extra_body} (LiteLLM's dynamic params, e.g.
   * {@code [{"name": {"extra_body": {"threshold": 0.9}}}]}), which service guardrails add to their call.
   */
  private static void extraBodies(Object value, Map<String, JsonObject> into) {
    List<JsonObject> entries = new ArrayList<>();
    if (value instanceof JsonArray list) {
      list.forEach(item -> {
        if (item instanceof JsonObject entry) {
          entries.add(entry);
        }
      });
    } else if (value instanceof JsonObject map) {
      entries.add(map);
    }
    for (JsonObject entry : entries) {
      for (String name : entry.fieldNames()) {
        if (entry.getValue(name) instanceof JsonObject settings) {
          Object extra = settings.getValue("extra_body");
          if (extra != null && !(extra instanceof JsonObject)) {
            throw GatewayError.badRequest("guardrails", "extra_body of guardrail '" + name + "' must be an object");
          }
          if (extra != null) {
            into.put(name, (JsonObject) extra);
          }
        }
      }
    }
  }

  /** The error of a service guardrail that failed closed: 503, naming the guardrail (its log line says why). */
  static GatewayError unavailable(String guardrail, String reason) {
    return GatewayError.of(ErrorClass.SERVICE_UNAVAILABLE, "503", reason + " (guardrail '" + guardrail + "')")
        .withFallback(GatewayError.Fallback.NONE);
  }

  /** The error a block is answered with: LiteLLM's status (400) and code, and the guardrail that said no. */
  static GatewayError blocked(String guardrail, String reason) {
    return GatewayError.of(ErrorClass.BAD_REQUEST, "400", reason + " (guardrail '" + guardrail + "')")
        .withFallback(GatewayError.Fallback.NONE);
  }
}
