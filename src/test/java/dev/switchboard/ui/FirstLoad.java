package dev.switchboard.ui;

import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A browser's first visit to /ui: it starts Chromium's renderer, loads every module and asks the
 * gateway whether it has a master key, which on a loaded two-core machine can outlast the tests'
 * usual 20 s. It gets longer, and a timeout says what the page showed instead.
 */
final class FirstLoad {

  static final Duration LIMIT = Duration.ofSeconds(60);

  private FirstLoad() {
  }

  /** Opens {@code base}/ui and returns the sign-in form's key field once it is shown. */
  static WebElement signInForm(WebDriver browser, String base) {
    browser.get(base + "/ui");
    try {
      return new WebDriverWait(browser, LIMIT)
          .until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#signin-key")));
    } catch (TimeoutException e) {
      throw new AssertionError("no sign-in form within " + LIMIT.toSeconds() + " s; the page shows: '"
          + browser.findElement(By.id("view")).getText() + "' (title " + browser.getTitle() + ", at "
          + browser.getCurrentUrl() + ")", e);
    }
  }
}
