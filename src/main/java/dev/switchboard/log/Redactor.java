package dev.switchboard.log;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Takes secrets out of text before it is logged: {@code sk-} keys, bearer tokens, values of
 * {@code api_key}/{@code password}/{@code secret}/{@code token} fields and URL passwords
 * (Postgres and Redis URLs). One pass of one pattern, so it is cheap enough for every line.
 */
public final class Redactor {

  static final String MASK = "***";

  private static final Pattern SECRETS = Pattern.compile(
      "(?<key>\\bsk-[A-Za-z0-9_\\-]{4,})"
          + "|(?i:(?<bearer>\\bbearer\\s+)[^\\s\"',;]+)"
          + "|(?i:(?<field>\\b(?:api[_-]?key|x-api-key|password|passwd|secret|token|master[_-]?key|authorization)"
          + "[\"']?\\s*[:=]\\s*[\"']?(?:bearer\\s+)?)(?!\\*\\*\\*)[^\\s\"',;&}]+)"
          + "|(?<userinfo>://[^/\\s:@]*:)[^@\\s/]+@");

  private Redactor() {
  }

  public static String redact(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    Matcher m = SECRETS.matcher(text);
    if (!m.find()) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    do {
      String replacement;
      if (m.group("key") != null) {
        replacement = "sk-" + MASK;
      } else if (m.group("bearer") != null) {
        replacement = m.group("bearer") + MASK;
      } else if (m.group("field") != null) {
        replacement = m.group("field") + MASK;
      } else {
        replacement = m.group("userinfo") + MASK + "@";
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    } while (m.find());
    m.appendTail(out);
    return out.toString();
  }
}
