package dev.switchboard.guardrail;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code litellm_content_filter} (and {@code hide-secrets}, its secret entities): prebuilt entities,
 * custom regexes and blocked words, each with BLOCK, MASK or LOG. A mask replaces the match with
 * {@code [<NAME>_REDACTED]}; a block names the rule, never the matched text.
 */
final class ContentFilter implements Check {

  /** One rule: what it finds and what it does with it. */
  record Rule(String name, Pattern pattern, Predicate<String> valid, Action action) {
  }

  private final List<Rule> rules;

  ContentFilter(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  /**
   * From LiteLLM's settings: {@code patterns: [{pattern_type: prebuilt|regex, pattern_name, pattern,
   * name, action}]}, {@code blocked_words: [{keyword, action}]}; and the short form
   * {@code entities: [email, credit_card, ...]} with one {@code action} (default {@code fallback}).
   */
  static ContentFilter of(Map<String, Object> params, List<String> defaultEntities, Action fallback) {
    Action action = Action.of(params.get("action"), fallback);
    List<Rule> rules = new ArrayList<>();
    List<?> entities = params.get("entities") instanceof List<?> list ? list : defaultEntities;
    for (Object entity : entities) {
      rules.add(prebuilt(String.valueOf(entity), action));
    }
    if (params.get("patterns") instanceof List<?> patterns) {
      for (Object item : patterns) {
        if (!(item instanceof Map<?, ?> p)) {
          throw new IllegalArgumentException("each of patterns must be a mapping with pattern_type and pattern_name or pattern");
        }
        Action own = Action.of(p.get("action"), action);
        if ("regex".equals(p.get("pattern_type")) || p.get("pattern") != null) {
          String name = p.get("name") != null ? String.valueOf(p.get("name")) : "custom";
          rules.add(new Rule(name, regex(String.valueOf(p.get("pattern"))), s -> true, own));
        } else {
          rules.add(prebuilt(String.valueOf(p.get("pattern_name")), own));
        }
      }
    }
    if (params.get("blocked_words") instanceof List<?> words) {
      for (Object item : words) {
        String keyword = item instanceof Map<?, ?> w ? String.valueOf(w.get("keyword")) : String.valueOf(item);
        Action own = item instanceof Map<?, ?> w ? Action.of(w.get("action"), Action.BLOCK) : Action.BLOCK;
        Pattern word = Pattern.compile("(?<!\\w)" + Pattern.quote(keyword) + "(?!\\w)",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
        rules.add(new Rule("keyword", word, s -> true, own));
      }
    }
    if (rules.isEmpty()) {
      throw new IllegalArgumentException("it has no rules: set patterns, blocked_words or entities");
    }
    return new ContentFilter(rules);
  }

  private static Rule prebuilt(String name, Action action) {
    Detectors.Detector detector = Detectors.prebuilt(name);
    if (detector == null) {
      throw new IllegalArgumentException("unknown pattern_name '" + name + "'; the prebuilt ones are " + Detectors.names());
    }
    return new Rule(detector.name(), detector.pattern(), detector.valid(), action);
  }

  private static Pattern regex(String pattern) {
    try {
      return Pattern.compile(pattern);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("pattern '" + pattern + "' is not a valid regular expression: " + e.getDescription());
    }
  }

  @Override
  public Verdict check(Texts texts) {
    List<String> findings = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      String text = texts.get(i);
      for (Rule rule : rules) {
        Matcher matcher = rule.pattern().matcher(text);
        StringBuilder masked = null;
        int copied = 0;
        while (matcher.find()) {
          if (!rule.valid().test(matcher.group())) {
            continue;
          }
          if (rule.action() == Action.BLOCK) {
            return Verdict.block("Content blocked: " + rule.name() + " pattern detected");
          }
          findings.add(rule.name());
          if (rule.action() == Action.MASK) {
            masked = masked == null ? new StringBuilder(text.length()) : masked;
            masked.append(text, copied, matcher.start()).append('[')
                .append(rule.name().toUpperCase(Locale.ROOT)).append("_REDACTED]");
            copied = matcher.end();
          }
        }
        if (masked != null) {
          text = masked.append(text, copied, text.length()).toString();
          texts.set(i, text);
        }
      }
    }
    return Verdict.noted(findings);
  }

  /** Whether any rule masks (on a stream, where sent text cannot be taken back, a mask ends it as a block). */
  boolean masks() {
    return rules.stream().anyMatch(rule -> rule.action() == Action.MASK);
  }
}
