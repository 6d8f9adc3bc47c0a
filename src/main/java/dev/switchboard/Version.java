package dev.switchboard;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The build's version, filtered into a resource by Maven. */
public final class Version {

  public static final String VERSION = read();

  private Version() {
  }

  private static String read() {
    try (InputStream in = Version.class.getResourceAsStream("/switchboard-version.properties")) {
      Properties properties = new Properties();
      if (in != null) {
        properties.load(in);
      }
      return properties.getProperty("version", "dev");
    } catch (IOException e) {
      return "dev";
    }
  }
}
