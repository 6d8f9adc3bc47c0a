package dev.switchboard.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.testing.GatewayExtension;
import dev.switchboard.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * What the admin UI's browser tests share: a gateway on its own database with a priced model, runtime
 * models on and spend written every 0.2 s, its mock provider, a headless browser, and the master key's
 * calls to check what the pages did.
 */
abstract class UiBrowserFixture {

  static final String MASTER = "sk-ui-browser-master";
  static final Duration FIRST_LOAD = Duration.ofSeconds(60);
  static final String UPSTREAM_KEY = "sk-upstream-typed-in-the-ui";

  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.withConfig(m -> """
      model_list:
        - model_name: chat
          litellm_params: {model: openai/chat, api_base: "%1$s", api_key: sk-up}
          model_info: {input_cost_per_token: 0.001, output_cost_per_token: 0.002}
      general_settings: {master_key: %2$s, database_url: "%3$s", store_model_in_db: true, proxy_batch_write_at: 0.2}
      """.formatted(m.apiBase(), MASTER, TestDatabase.newDatabaseUrl()));

  private final HttpClient http = HttpClient.newHttpClient();
  WebDriver browser;
  WebDriverWait wait;

  @BeforeEach
  void open() {
    browser = HeadlessChromium.start();
    wait = new WebDriverWait(browser, Duration.ofSeconds(20));
    // Pages re-render on refresh, so an element found a moment ago may be gone: look again.
    wait.ignoring(StaleElementReferenceException.class);
  }

  @AfterEach
  void close() {
    if (browser != null) {
      browser.quit();
    }
  }

  String base() {
    return "http://127.0.0.1:" + gw.port();
  }

  WebElement shown(String css) {
    return wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
  }

  void type(String id, String text) {
    WebElement input = shown("#" + id);
    input.clear();
    input.sendKeys(text);
  }

  void page(String name) {
    browser.get(base() + "/ui/#/" + name);
    wait.until(d -> name.equals(d.findElement(By.id("view")).getDomAttribute("data-page")));
  }

  void textIn(String css, String text) {
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(css), text));
  }

  HttpResponse<String> send(String method, String path, String key, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path)).header("Authorization", "Bearer " + key)
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  JsonObject admin(String path) throws Exception {
    HttpResponse<String> answer = send("GET", path, MASTER, null);
    assertEquals(200, answer.statusCode(), answer.body());
    return new JsonObject("{\"answer\":" + answer.body() + "}");
  }

  HttpResponse<String> chat(String key, String model) throws Exception {
    return send("POST", "/v1/chat/completions", key,
        "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
  }

  /**
   * Opens /ui and returns the sign-in form's key field. A browser's first visit starts Chromium's
   * renderer, loads every module and asks the gateway whether it has a master key, which on a loaded
   * two-core machine can outlast the usual 20 s: it gets 60, and a timeout says what the page showed.
   */
  WebElement signInForm() {
    browser.get(base() + "/ui");
    try {
      return new WebDriverWait(browser, FIRST_LOAD)
          .until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#signin-key")));
    } catch (TimeoutException e) {
      throw new AssertionError("no sign-in form within " + FIRST_LOAD.toSeconds() + " s; the page shows: '"
          + browser.findElement(By.id("view")).getText() + "' (title " + browser.getTitle() + ", at "
          + browser.getCurrentUrl() + ")", e);
    }
  }

  void signIn() {
    signInForm().sendKeys(MASTER);
    browser.findElement(By.id("signin-submit")).click();
    shown("#dashboard");
  }
}
