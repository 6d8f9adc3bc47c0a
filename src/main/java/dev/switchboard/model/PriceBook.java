package dev.switchboard.model;

import dev.switchboard.config.ModelInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Prices per deployment: {@code model_info} when it names them, otherwise the shipped table
 * ({@code prices/prices.yaml}). Resolved once per deployment; an unknown model costs 0 and is
 * named in one warning. Thread-safe; one per gateway.
 */
public final class PriceBook {

  private static final Logger LOG = Logger.getLogger(PriceBook.class.getName());
  private static final double PER_MILLION = 1_000_000.0;
  private static final List<String> UNIT_PRICES = List.of("per_query", "per_image", "per_character", "per_second");
  /** model_info's per-unit media prices, by LiteLLM's names, the first given wins (a deployment is priced one way). */
  private static final List<String> MEDIA_UNIT_FIELDS = List.of("output_cost_per_image", "input_cost_per_image",
      "input_cost_per_character", "output_cost_per_second", "input_cost_per_second");
  /** A table entry for one quality and size of an image model, named as LiteLLM's: "hd/1024-x-1792/dall-e-3", "256-x-256/dall-e-2". */
  private static final Pattern IMAGE_VARIANT = Pattern.compile("((?:[a-z]+/)?\\d+-x-\\d+)/(.+)");

  private final Map<String, Price> table;
  /** Deployments already warned about having no price. */
  private final Set<String> unpriced = ConcurrentHashMap.newKeySet();

  PriceBook(Map<String, Price> table) {
    this.table = table;
  }

  /** The shipped table. */
  public static PriceBook shipped() {
    return new PriceBook(SHIPPED);
  }

  private static final Map<String, Price> SHIPPED = load();

  /**
   * What {@code deployment}'s tokens cost: its own {@code model_info} prices over the table's.
   * Worked out once per config, into the runtime snapshot, which is where requests read it.
   */
  public Price of(Deployment deployment) {
    if (deployment == null) {
      return Price.UNKNOWN;
    }
    ModelInfo info = deployment.info();
    String model = info.baseModel() != null ? info.baseModel()
        : deployment.provider().prefix() + "/" + deployment.upstreamModel();
    Price listed = lookup(model);
    Map<String, Double> media = info.mediaPrices();
    if (info.inputCostPerToken() == null && info.outputCostPerToken() == null && info.inputCostPerQuery() == null
        && media.isEmpty() && listed == null) {
      if (unpriced.add(deployment.id() + '|' + model)) { // once, not again at every reload
        LOG.warning("No price for " + model + " (model '" + deployment.modelGroup() + "', deployment "
            + deployment.id() + "): its requests cost 0. Set model_info.input_cost_per_token and "
            + "output_cost_per_token, or model_info.base_model to a model in the price table.");
      }
      return Price.UNKNOWN;
    }
    Price base = listed == null ? Price.UNKNOWN : listed;
    double input = info.inputCostPerToken() != null ? info.inputCostPerToken() : base.input();
    double output = info.outputCostPerToken() != null ? info.outputCostPerToken() : base.output();
    double cached = info.cacheReadInputTokenCost() != null ? info.cacheReadInputTokenCost()
        : info.inputCostPerToken() != null ? input : base.cachedInput();
    int maxInput = info.maxInputTokens() != null ? info.maxInputTokens() : base.maxInput();
    int maxOutput = info.maxOutputTokens() != null ? info.maxOutputTokens()
        : info.maxTokens() != null ? info.maxTokens() : base.maxOutput();
    double perUnit = info.inputCostPerQuery() != null ? info.inputCostPerQuery() : base.perUnit();
    for (String field : MEDIA_UNIT_FIELDS) {
      if (media.containsKey(field)) {
        perUnit = media.get(field);
        break;
      }
    }
    double perPixel = media.getOrDefault("input_cost_per_pixel", 0.0) + media.getOrDefault("output_cost_per_pixel", 0.0);
    return new Price(input, output, cached, maxInput, maxOutput, true, perUnit, base.perImage(),
        perPixel > 0 ? perPixel : base.perPixel());
  }

  /** The price table's entry for a model named as a provider names it (gpt-4o, openai/gpt-4o-2024-08-06), or {@link Price#UNKNOWN}. */
  public Price listed(String model) {
    Price price = model == null ? null : lookup(model);
    return price == null ? Price.UNKNOWN : price;
  }

  /** As written, without the provider prefix, by its last segment; each also without a date suffix. */
  Price lookup(String model) {
    List<String> names = new ArrayList<>();
    names.add(model);
    int slash = model.indexOf('/');
    if (slash >= 0) {
      names.add(model.substring(slash + 1));
      names.add(model.substring(model.lastIndexOf('/') + 1));
    }
    for (String name : List.copyOf(names)) {
      names.add(name.replaceFirst("(-\\d{4}-\\d{2}-\\d{2}|-\\d{8}|-latest)$", ""));
    }
    for (String name : names) {
      Price price = table.get(name);
      if (price != null) {
        return price;
      }
    }
    return null;
  }

  private static Map<String, Price> load() {
    try (InputStream in = PriceBook.class.getResourceAsStream("/prices/prices.yaml")) {
      if (in == null) {
        throw new IllegalStateException("prices/prices.yaml is missing from the jar");
      }
      Map<?, ?> root = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
      Map<String, Price> prices = new HashMap<>();
      Map<String, Map<String, Double>> variants = new HashMap<>();
      ((Map<?, ?>) root.get("models")).forEach((name, raw) -> {
        Matcher variant = IMAGE_VARIANT.matcher(String.valueOf(name));
        if (variant.matches()) {
          variants.computeIfAbsent(variant.group(2), m -> new HashMap<>()).put(variant.group(1), number((Map<?, ?>) raw, "per_image"));
        } else {
          prices.put(String.valueOf(name), price((Map<?, ?>) raw));
        }
      });
      // Each image model's prices by quality and size ride on its own entry.
      variants.forEach((model, byVariant) -> {
        Price p = prices.getOrDefault(model, new Price(0, 0, 0, 0, 0, true));
        prices.put(model, new Price(p.input(), p.output(), p.cachedInput(), p.maxInput(), p.maxOutput(), true, p.perUnit(),
            Map.copyOf(byVariant), p.perPixel()));
      });
      return Map.copyOf(prices);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Price price(Map<?, ?> entry) {
    double input = number(entry, "input") / PER_MILLION;
    double cached = entry.containsKey("cached_input") ? number(entry, "cached_input") / PER_MILLION : input;
    return new Price(input, number(entry, "output") / PER_MILLION, cached, (int) number(entry, "max_input"),
        (int) number(entry, "max_output"), true, perUnit(entry));
  }

  /** A rerank or media model's price per unit: USD per search, per image, per character of input, or per second of audio. */
  private static double perUnit(Map<?, ?> entry) {
    for (String field : UNIT_PRICES) {
      if (entry.containsKey(field)) {
        return number(entry, field);
      }
    }
    return 0;
  }

  private static double number(Map<?, ?> entry, String field) {
    return entry.get(field) instanceof Number n ? n.doubleValue() : 0;
  }
}
