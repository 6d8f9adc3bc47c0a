package dev.switchboard.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The dashboard's charts, the logs' live tail and the doctor page in a real browser against a real
 * gateway: a call's spend shows in the last hour's chart, a call made while the logs page tails shows
 * up without a refresh, and the doctor's findings are listed.
 */
@Tag("slow")
class AdminUiLiveBrowserTest extends UiBrowserFixture {

  /** A call through the gateway that must succeed; its request id. */
  private String call(String key) throws Exception {
    HttpResponse<String> answer = chat(key, "chat");
    assertEquals(200, answer.statusCode(), answer.body());
    return answer.headers().firstValue("x-litellm-call-id").orElseThrow();
  }

  @Test
  void charts_live_tail_and_doctor() throws Exception {
    String key = new JsonObject(send("POST", "/key/generate", MASTER, "{\"key_alias\":\"live-ui\"}").body())
        .getString("key");
    call(key);
    signIn();
    shown("#dashboard .tiles");

    // The last hour, by minute: the call's spend is in it once its row is written (in batches).
    shown("#range-hour").click();
    WebElement spend = wait.until(d -> {
      List<WebElement> total = d.findElements(By.cssSelector("[data-total='spend']"));
      if (!total.isEmpty() && !total.get(0).getText().equals("$0.00")) {
        return total.get(0);
      }
      d.findElement(By.id("range-hour")).click();
      return null;
    });
    assertTrue(spend.getText().startsWith("$"), spend.getText());
    assertEquals("true", browser.findElement(By.id("range-hour")).getDomAttribute("aria-pressed"));
    assertFalse(browser.findElements(By.cssSelector("#chart-spend svg rect.bar")).isEmpty(), "a bar for the call");
    assertEquals("1", shown("[data-total='requests']").getText());
    WebElement latency = shown("#series tr[data-latency]");
    assertTrue(latency.getText().contains("chat") && latency.getText().contains(" ms"), latency.getText());
    new Select(browser.findElement(By.id("group-by"))).selectByValue("key");
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#series p.muted"), "split by key"));
    WebElement bar = shown("#chart-spend svg rect.bar");
    assertTrue(bar.findElement(By.tagName("title")).getDomProperty("textContent").contains("$"), "each bar says its value");
    assertTrue(shown("#dashboard-deployments tr[data-deployment]").getText().contains("closed"),
        "the deployment's circuit, closed while it answers");
    HeadlessChromium.screenshot(browser, "dashboard-charts");

    // The live tail: a call made while the page is open shows up without a refresh.
    page("logs");
    shown("#logs-live").click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("live-status"), "waiting for requests"));
    String id = call(key);
    WebElement live = shown("#live-list tr[data-request-id='" + id + "']");
    assertTrue(live.getText().contains("live-ui") && live.getText().contains("success"), live.getText());
    assertTrue(browser.getCurrentUrl().endsWith("/ui/#/logs"), "the key is never in the URL");
    HeadlessChromium.screenshot(browser, "logs-live");
    shown("#logs-live").click();
    wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("live-tail")));
    assertEquals("false", browser.findElement(By.id("logs-live")).getDomAttribute("aria-pressed"));

    page("doctor");
    WebElement finding = shown("#doctor-findings tr[data-check]");
    assertTrue(finding.getText().matches("(?s)(OK|WARN|FAIL).*"), finding.getText());
    assertTrue(shown("#doctor-summary").getText().matches("(?s)(OK|WARN|FAIL) \\d+ OK, \\d+ warnings?, \\d+ failed"),
        browser.findElement(By.id("doctor-summary")).getText());
    HeadlessChromium.screenshot(browser, "doctor");
  }
}
