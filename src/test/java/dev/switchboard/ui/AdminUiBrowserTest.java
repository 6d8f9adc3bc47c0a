package dev.switchboard.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The admin UI in a real browser against a real gateway: sign in, create a key and read its secret,
 * call the gateway with it, find the call in the logs, test a model, block the key and see it refused.
 */
@Tag("slow")
class AdminUiBrowserTest extends UiBrowserFixture {

  private String secret;

  private void signInAs(String key) {
    WebElement input = shown("#signin-key");
    input.clear();
    input.sendKeys(key);
    browser.findElement(By.id("signin-submit")).click();
  }

  @Test
  void an_admin_creates_a_key_sees_its_call_in_the_logs_and_blocks_it() throws Exception {
    signInForm();
    signInAs("sk-not-a-key");
    assertTrue(shown("#signin .error").getText().startsWith("This key was not accepted"), browser.getPageSource());
    assertNull(((JavascriptExecutor) browser).executeScript("return sessionStorage.getItem('switchboard.key')"));
    HeadlessChromium.screenshot(browser, "signin");
    signInAs(MASTER);
    shown("#dashboard .tiles");
    assertTrue(browser.getCurrentUrl().endsWith("/ui/#/dashboard"), "the key is never in the URL: " + browser.getCurrentUrl());

    page("keys");
    shown("#key-create-open").click();
    shown("#f-key_alias").sendKeys("ui-flow");
    browser.findElement(By.id("f-max_budget")).sendKeys("25");
    browser.findElement(By.id("f-rpm_limit")).sendKeys("100");
    browser.findElement(By.id("f-metadata")).sendKeys("{\"owner\": \"ui-test\"}");
    browser.findElement(By.id("key-create-submit")).click();
    secret = shown("#new-key-secret").getDomProperty("value");
    assertTrue(secret.startsWith("sk-") && secret.length() > 20, secret);
    WebElement row = shown("#keys-list tr[data-alias='ui-flow']");
    assertTrue(row.getText().contains("$25.00") && row.getText().contains("100 rpm"), row.getText());
    assertTrue(!row.getText().contains(secret), "the list never shows the secret");
    HeadlessChromium.screenshot(browser, "keys");

    shown("#keys-list tr[data-alias='ui-flow'] button.edit").click();
    WebElement rpm = shown("#f-edit-rpm_limit");
    assertEquals("100", rpm.getDomProperty("value"));
    rpm.clear();
    rpm.sendKeys("250");
    browser.findElement(By.id("key-edit-save")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#keys-list tr[data-alias='ui-flow']"), "250 rpm"));
    assertTrue(browser.findElements(By.id("key-edit")).isEmpty(), "the editor closes once saved");

    HttpResponse<String> answered = chat(secret, "chat");
    assertEquals(200, answered.statusCode(), answered.body());

    page("logs");
    WebElement logged = wait.until(d -> {
      List<WebElement> rows = d.findElements(By.cssSelector("#logs-list tbody tr"));
      if (rows.isEmpty()) {
        d.findElement(By.id("logs-refresh")).click(); // spend rows are written in batches
        return null;
      }
      return rows.get(0);
    });
    assertTrue(logged.getText().contains("ui-flow") && logged.getText().contains("success"), logged.getText());
    logged.findElement(By.cssSelector("button.link")).click();
    assertTrue(shown("#log-detail pre").getText().contains("\"key_alias\" : \"ui-flow\"")
        || browser.findElement(By.cssSelector("#log-detail pre")).getText().contains("\"key_alias\": \"ui-flow\""));
    HeadlessChromium.screenshot(browser, "logs");

    page("models");
    shown("#models-list tr[data-model='chat'] button.test").click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("tr[data-model='chat'] .test-result"), "Hello from chat"));
    HeadlessChromium.screenshot(browser, "models");

    page("dashboard");
    // The key's chat call and the models page's test call, once both spend rows are written.
    wait.until(d -> {
      List<WebElement> requests = d.findElements(By.cssSelector("[data-tile='requests'] strong"));
      if (!requests.isEmpty() && requests.get(0).getText().equals("2")) {
        return true;
      }
      if (!requests.isEmpty()) {
        d.findElement(By.id("dashboard-refresh")).click();
      }
      return null;
    });

    assertTrue(!shown("[data-tile='spend'] strong").getText().equals("$0.00"), "the calls cost something");
    HeadlessChromium.screenshot(browser, "dashboard");

    // The key itself signs in and sees only its own page, with what it has spent.
    shown("#signout").click();
    signInAs(secret);
    WebElement mine = shown("#my-key dl");
    assertTrue(mine.getText().contains("ui-flow") && mine.getText().contains("$25.00"), mine.getText());
    assertTrue(browser.findElements(By.cssSelector("nav a[data-page='keys']")).isEmpty(), "no admin pages for a virtual key");
    HeadlessChromium.screenshot(browser, "my-key");
    shown("#signout").click();
    signInAs(MASTER);
    shown("#dashboard .tiles");

    page("keys");
    WebElement spent = shown("#keys-list tr[data-alias='ui-flow'] td.spend");
    assertTrue(!spent.getText().equals("$0.00") && spent.getText().startsWith("$"), "per-key spend: " + spent.getText());
    // A new value, shown once; without a grace period the old one stops at once.
    shown("#keys-list tr[data-alias='ui-flow'] button.regenerate").click();
    shown("#keys-list tr[data-alias='ui-flow'] button.confirm-regenerate").click();
    wait.until(d -> !secret.equals(d.findElement(By.id("new-key-secret")).getDomProperty("value")));
    String old = secret;
    secret = browser.findElement(By.id("new-key-secret")).getDomProperty("value");
    assertTrue(secret.startsWith("sk-"), secret);
    assertEquals(200, chat(secret, "chat").statusCode());
    assertEquals(401, chat(old, "chat").statusCode());

    page("health");
    WebElement deployment = shown("#deployments tbody tr");
    assertTrue(deployment.getText().contains("chat") && deployment.getText().contains("healthy"), deployment.getText());
    shown("#health-probe").click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("probe"), "1 healthy, 0 unhealthy"));
    HeadlessChromium.screenshot(browser, "health");
    // The test gateway has no config file to re-read: the API's 400 is shown as it said it.
    shown("#config-reload").click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#probe .error"),
        "The config was not reloaded, nothing changed"));

    page("keys");
    shown("#keys-list tr[data-alias='ui-flow'] button.block").click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#keys-list tr[data-alias='ui-flow']"), "blocked"));
    new Select(browser.findElement(By.id("f-key-status"))).selectByValue("active");
    browser.findElement(By.cssSelector("#keys-filter button[type='submit']")).click();
    shown("#keys-list .empty");
    new Select(browser.findElement(By.id("f-key-status"))).selectByValue("blocked");
    browser.findElement(By.cssSelector("#keys-filter button[type='submit']")).click();
    shown("#keys-list tr[data-alias='ui-flow']");
    HttpResponse<String> refused = chat(secret, "chat");
    assertNotEquals(200, refused.statusCode(), refused.body());
    assertTrue(refused.statusCode() == 401 || refused.statusCode() == 403, refused.statusCode() + " " + refused.body());
    HeadlessChromium.screenshot(browser, "keys-blocked");

    shown("#keys-list tr[data-alias='ui-flow'] button.delete").click();
    shown("#keys-list tr[data-alias='ui-flow'] button.confirm-delete").click();
    wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("#keys-list tr[data-alias='ui-flow']")));
    shown("#keys-list .empty");

    // At a phone's width the page does not scroll sideways (wide tables scroll inside their box).
    browser.manage().window().setSize(new Dimension(390, 844));
    page("logs");
    shown("#logs-list table");
    Object overflow = ((JavascriptExecutor) browser).executeScript(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth");
    assertEquals(0L, ((Number) overflow).longValue(), "sideways overflow at 390 px");
    HeadlessChromium.screenshot(browser, "logs-phone");
  }
}
