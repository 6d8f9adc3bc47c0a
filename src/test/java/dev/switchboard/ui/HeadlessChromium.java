package dev.switchboard.ui;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.stream.Stream;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's chromium driven headless through its chromedriver, both found on this machine (never
 * downloaded: with the driver and the browser given, Selenium Manager is not asked). Without them the
 * browser tests are skipped, unless {@code SWITCHBOARD_BROWSER_TESTS=required} (or the system property
 * {@code switchboard.browser.tests=required}) says they must run, as CI does: then they fail.
 */
final class HeadlessChromium {

  static final Path SCREENSHOTS = Path.of("target", "ui-screenshots");

  private HeadlessChromium() {
  }

  static WebDriver start() {
    Path browser = find("CHROME_BIN", "/usr/bin/chromium", "/usr/bin/chromium-browser");
    Path driver = find("CHROMEDRIVER", "/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
    if (browser == null || driver == null) {
      String missing = "no " + (browser == null ? "chromium" : "chromedriver") + " found (apt-get install chromium chromium-driver,"
          + " or set CHROME_BIN and CHROMEDRIVER)";
      if (required()) {
        fail("Browser tests are required (SWITCHBOARD_BROWSER_TESTS=required) but " + missing);
      }
      assumeTrue(false, "Browser tests skipped: " + missing + "; SWITCHBOARD_BROWSER_TESTS=required makes this a failure");
    }
    System.setProperty("webdriver.chrome.driver", driver.toString());
    ChromeOptions options = new ChromeOptions();
    options.setBinary(browser.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
        "--window-size=1280,800", "--no-first-run", "--disable-extensions");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile())
        .usingAnyFreePort().build();
    ChromeDriver chrome = new ChromeDriver(service, options);
    chrome.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
    return chrome;
  }

  static boolean required() {
    String value = System.getProperty("switchboard.browser.tests", System.getenv("SWITCHBOARD_BROWSER_TESTS"));
    return "required".equalsIgnoreCase(value);
  }

  /** Saves what the browser shows as target/ui-screenshots/{name}.png. */
  static void screenshot(WebDriver driver, String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
      Files.copy(shot, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new IllegalStateException("screenshot " + name + ": " + e.getMessage(), e);
    }
  }

  /** The program the variable names when it is set (and only that one), else the first Debian path that exists. */
  private static Path find(String variable, String... debianPaths) {
    String named = System.getenv(variable);
    Stream<String> candidates = named == null || named.isBlank() ? Stream.of(debianPaths) : Stream.of(named);
    return candidates.map(Path::of).filter(Files::isExecutable).findFirst().orElse(null);
  }
}
