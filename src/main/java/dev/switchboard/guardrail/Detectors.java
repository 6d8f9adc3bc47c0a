package dev.switchboard.guardrail;

import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The prebuilt entities ({@code pattern_name}): a pattern that finds candidates and, where one
 * exists, a check that keeps only real ones (Luhn for cards, mod-97 for IBANs, entropy for tokens),
 * so order numbers and ordinary words are not masked.
 */
final class Detectors {

  /** One entity: what finds it, and what confirms a candidate. */
  record Detector(String name, Pattern pattern, Predicate<String> valid) {
  }

  private static final Map<String, Detector> PREBUILT = Map.of(
      "email", new Detector("email", Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}"), s -> true),
      "phone", new Detector("phone", Pattern.compile(
          "(?<![\\w+])(?:\\+\\d{1,3}[ .-]?)?(?:\\(\\d{2,4}\\)[ .-]?)?\\d{2,4}[ .-]\\d{3,4}[ .-]?\\d{3,4}(?!\\w)"),
          s -> s.replaceAll("\\D", "").length() >= 9),
      "credit_card", new Detector("credit_card", Pattern.compile("(?<!\\d)(?:\\d[ -]?){12,18}\\d(?!\\d)"),
          Detectors::luhn),
      "iban", new Detector("iban", Pattern.compile("\\b[A-Z]{2}\\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\\b"),
          Detectors::iban),
      "us_ssn", new Detector("us_ssn", Pattern.compile("\\b(?!000|666|9\\d\\d)\\d{3}-(?!00)\\d{2}-(?!0000)\\d{4}\\b"),
          s -> true),
      "ip_address", new Detector("ip_address", Pattern.compile(
          "\\b(?:(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)\\b"), s -> true),
      "api_key", new Detector("api_key", Pattern.compile(
          "\\b(?:sk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}"
              + "|xox[abposr]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{35}|glpat-[A-Za-z0-9_-]{20,}"
              + "|hf_[A-Za-z0-9]{30,}|sk_live_[A-Za-z0-9]{20,}|rk_live_[A-Za-z0-9]{20,})\\b"), s -> true),
      "secret_token", new Detector("secret_token", Pattern.compile("(?<![A-Za-z0-9_+/-])[A-Za-z0-9_+/-]{32,}={0,2}"),
          Detectors::looksRandom));

  private Detectors() {
  }

  /** The prebuilt entity of this name (LiteLLM spells them in lower case), or null. */
  static Detector prebuilt(String name) {
    return name == null ? null : PREBUILT.get(name.trim().toLowerCase(Locale.ROOT));
  }

  static java.util.Set<String> names() {
    return new java.util.TreeSet<>(PREBUILT.keySet());
  }

  /** The Luhn checksum of the digits in {@code text}. */
  static boolean luhn(String text) {
    String digits = text.replaceAll("\\D", "");
    if (digits.length() < 13 || digits.length() > 19) {
      return false;
    }
    int sum = 0;
    boolean twice = false;
    for (int i = digits.length() - 1; i >= 0; i--) {
      int d = digits.charAt(i) - '0';
      if (twice) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      twice = !twice;
    }
    return sum % 10 == 0;
  }

  /** ISO 13616: the country and check digits moved to the end, letters as numbers, mod 97 is 1. */
  static boolean iban(String text) {
    String iban = text.replace(" ", "");
    if (iban.length() < 15 || iban.length() > 34) {
      return false;
    }
    String moved = iban.substring(4) + iban.substring(0, 4);
    int rest = 0;
    for (char c : moved.toCharArray()) {
      int value = Character.isDigit(c) ? c - '0' : Character.isLetter(c) ? c - 'A' + 10 : -1;
      if (value < 0) {
        return false;
      }
      rest = value >= 10 ? (rest * 100 + value) % 97 : (rest * 10 + value) % 97;
    }
    return rest == 1;
  }

  /**
   * A long token with letters and digits mixed and high Shannon entropy (at least 4 bits a character):
   * how an unknown provider's key or a session token looks, and how words and hashes in prose do not.
   */
  static boolean looksRandom(String token) {
    boolean letters = token.chars().anyMatch(Character::isLetter);
    boolean digits = token.chars().anyMatch(Character::isDigit);
    boolean mixedCase = token.chars().anyMatch(Character::isUpperCase) && token.chars().anyMatch(Character::isLowerCase);
    return letters && digits && mixedCase && entropy(token) >= 4.0;
  }

  static double entropy(String text) {
    int[] counts = new int[128];
    int other = 0;
    for (char c : text.toCharArray()) {
      if (c < 128) {
        counts[c]++;
      } else {
        other++;
      }
    }
    double bits = 0;
    for (int count : counts) {
      if (count > 0) {
        double p = (double) count / text.length();
        bits -= p * Math.log(p) / Math.log(2);
      }
    }
    if (other > 0) {
      double p = (double) other / text.length();
      bits -= p * Math.log(p) / Math.log(2);
    }
    return bits;
  }
}
