package dev.switchboard.ui;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.MockProvider;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** Gateways without a database: with no master key the UI says how to set one; with one, it signs in. */
class WithoutDatabaseBrowserTest {

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.manual();

  private String start(String generalSettings) throws Exception {
    gw.start(new MockProvider(gw.vertx()), m -> """
        model_list:
          - {model_name: chat, litellm_params: {model: openai/chat, api_base: "%1$s", api_key: sk-up}}
        general_settings: %2$s
        """.formatted(m.apiBase(), generalSettings)).toCompletionStage().toCompletableFuture().get();
    return "http://127.0.0.1:" + gw.port() + "/ui/";
  }

  @Test
  void the_page_says_how_to_set_a_master_key() throws Exception {
    String ui = start("{database_url: none}");
    WebDriver browser = HeadlessChromium.start();
    try {
      browser.get(ui);
      String text = new WebDriverWait(browser, Duration.ofSeconds(20))
          .until(ExpectedConditions.visibilityOfElementLocated(By.id("no-master-key"))).getText();
      assertTrue(text.contains("general_settings:") && text.contains("master_key: sk-"), text);
      assertTrue(browser.findElements(By.id("signin-key")).isEmpty(), "no sign-in form without a master key");
      HeadlessChromium.screenshot(browser, "no-master-key");
    } finally {
      browser.quit();
    }
  }

  @Test
  void the_master_key_signs_in_without_a_database() throws Exception {
    String ui = start("{master_key: sk-ui-no-db, database_url: none}");
    WebDriver browser = HeadlessChromium.start();
    try {
      browser.get(ui);
      WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("signin-key"))).sendKeys("sk-ui-no-db");
      browser.findElement(By.id("signin-submit")).click();
      WebElement models = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("nav a[data-page='models']")));
      models.click();
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#models-list tr[data-model='chat']")));
    } finally {
      browser.quit();
    }
  }
}
