package dev.switchboard.provider;

/** Measures JSON string values in place, without parsing the document. */
final class JsonStrings {

  private JsonStrings() {
  }

  /** Total length (escapes counted as one) of every string value of {@code quotedKey} in {@code json}. */
  static long valueLength(String json, String quotedKey) {
    long total = 0;
    int at = json.indexOf(quotedKey);
    while (at >= 0) {
      int i = at + quotedKey.length();
      while (i < json.length() && (json.charAt(i) == ' ' || json.charAt(i) == ':')) {
        i++;
      }
      if (i < json.length() && json.charAt(i) == '"') {
        i++;
        while (i < json.length() && json.charAt(i) != '"') {
          i += json.charAt(i) == '\\' ? 2 : 1;
          total++;
        }
      }
      at = json.indexOf(quotedKey, i);
    }
    return total;
  }
}
