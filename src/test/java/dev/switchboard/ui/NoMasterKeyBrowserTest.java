package dev.switchboard.ui;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.GatewayExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** A gateway without a master key: the UI offers no sign-in, it says how to set one. */
class NoMasterKeyBrowserTest {

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.withConfig(m -> """
      model_list:
        - {model_name: chat, litellm_params: {model: openai/chat, api_base: "%1$s", api_key: sk-up}}
      general_settings: {database_url: none}
      """.formatted(m.apiBase()));

  @Test
  void the_page_says_how_to_set_a_master_key() {
    WebDriver browser = HeadlessChromium.start();
    try {
      browser.get("http://127.0.0.1:" + gw.port() + "/ui/");
      String text = new WebDriverWait(browser, Duration.ofSeconds(20))
          .until(ExpectedConditions.visibilityOfElementLocated(By.id("no-master-key"))).getText();
      assertTrue(text.contains("general_settings:") && text.contains("master_key: sk-"), text);
      assertTrue(browser.findElements(By.id("signin-key")).isEmpty(), "no sign-in form without a master key");
      HeadlessChromium.screenshot(browser, "no-master-key");
    } finally {
      browser.quit();
    }
  }
}
