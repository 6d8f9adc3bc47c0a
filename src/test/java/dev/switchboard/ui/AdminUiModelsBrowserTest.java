package dev.switchboard.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.MockProvider;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * A model added at run time through the admin UI's provider picker, called through the gateway to the
 * test's mock provider with the key typed in (never shown back), edited (the key kept) and deleted.
 */
@Tag("slow")
class AdminUiModelsBrowserTest extends UiBrowserFixture {

  @Test
  void an_admin_adds_a_model_at_run_time_calls_it_edits_and_deletes_it() throws Exception {
    HttpResponse<String> generated = send("POST", "/key/generate", MASTER, "{\"key_alias\": \"caller\"}");
    String key = new JsonObject(generated.body()).getString("key");
    signIn();
    page("models");
    shown("#models-list tr[data-model='chat']");
    shown("#model-add-open").click();
    new Select(shown("#f-model-provider")).selectByValue("azure");
    shown("#f-model-api_version"); // Azure's own fields
    new Select(browser.findElement(By.id("f-model-provider"))).selectByValue("openai");
    wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("f-model-api_version")));
    type("f-model-model_name", "runtime-chat");
    type("f-model-upstream", "upstream-x");
    type("f-model-api_base", gw.mock().apiBase());
    type("f-model-api_key", UPSTREAM_KEY);
    type("f-model-input_price", "2");
    type("f-model-output_price", "4");
    type("f-model-max_input_tokens", "64000");
    HeadlessChromium.screenshot(browser, "model-add");
    browser.findElement(By.id("model-save")).click();
    WebElement added = shown("#models-list tr[data-model='runtime-chat']");
    assertTrue(added.getText().contains("$2.00") && added.getText().contains("$4.00") && added.getText().contains("64,000")
        && added.getText().contains("runtime"), added.getText());
    assertFalse(browser.getPageSource().contains(UPSTREAM_KEY), "the provider key is never shown back");
    assertEquals("", browser.findElement(By.id("f-model-api_key")).getDomProperty("value"));

    HttpResponse<String> answered = chat(key, "runtime-chat");
    assertEquals(200, answered.statusCode(), answered.body());
    assertTrue(answered.body().contains("Hello from upstream-x"), answered.body());
    MockProvider.Received call = gw.mock().last();
    assertEquals("upstream-x", call.body().getString("model"));
    assertEquals("Bearer " + UPSTREAM_KEY, call.headers().get("Authorization"));
    HeadlessChromium.screenshot(browser, "models-runtime");

    // An edit leaves the key empty, so the stored one stays.
    shown("#models-list tr[data-model='runtime-chat'] button.edit").click();
    WebElement secret = shown("#f-model-edit-api_key");
    assertEquals("", secret.getDomProperty("value"));
    assertEquals("upstream-x", browser.findElement(By.id("f-model-edit-upstream")).getDomProperty("value"));
    type("f-model-edit-output_price", "5");
    browser.findElement(By.id("model-edit-save")).click();
    textIn("#models-list tr[data-model='runtime-chat']", "$5.00");
    assertEquals(200, chat(key, "runtime-chat").statusCode());
    assertEquals("Bearer " + UPSTREAM_KEY, gw.mock().last().headers().get("Authorization"));
    assertTrue(browser.findElements(By.cssSelector("#models-list tr[data-model='chat'] button.edit")).isEmpty(),
        "a config-file model is not edited here");

    shown("#models-list tr[data-model='runtime-chat'] button.delete").click();
    shown("#models-list tr[data-model='runtime-chat'] button.confirm-delete").click();
    wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("#models-list tr[data-model='runtime-chat']")));
    HttpResponse<String> gone = chat(key, "runtime-chat");
    assertTrue(gone.statusCode() == 400 || gone.statusCode() == 404, gone.statusCode() + " " + gone.body());

    // A virtual key sees the models it may use, and nothing to change them with.
    shown("#signout").click();
    shown("#signin-key").sendKeys(key);
    browser.findElement(By.id("signin-submit")).click();
    shown("nav a[data-page='models']").click();
    shown("#models-list tr[data-model='chat']");
    assertTrue(browser.findElements(By.id("model-add-open")).isEmpty(), "no add form for a virtual key");
    assertTrue(browser.findElements(By.cssSelector("#models-list button.edit, #models-list button.delete")).isEmpty());
  }
}
