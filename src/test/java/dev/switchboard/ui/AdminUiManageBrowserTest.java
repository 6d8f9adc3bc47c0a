package dev.switchboard.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The admin UI's record pages in a real browser against a real gateway and database: teams with members
 * and block, users (a page at a time, and the key /user/new makes), organizations with members and
 * budgets, customers (by keyboard only), each step checked through the admin API or the gateway too.
 */
@Tag("slow")
class AdminUiManageBrowserTest extends UiBrowserFixture {

  @Test
  void an_admin_manages_teams_users_organizations_and_customers() throws Exception {
    signIn();
    page("teams");
    shown("#teams-list .empty");
    shown("#teams-create-open").click();
    type("f-teams-team_alias", "ui-team");
    type("f-teams-models", "chat");
    type("f-teams-max_budget", "50");
    type("f-teams-rpm_limit", "60");
    type("f-teams-metadata", "{\"owner\": \"ui\"}");
    type("f-teams-budget_duration", "soon");
    browser.findElement(By.id("teams-create-submit")).click();
    textIn("#teams-create .error", "'budget_duration' must be a period"); // the API's own message
    shown("#f-teams-budget_duration").clear();
    browser.findElement(By.id("teams-create-submit")).click();
    WebElement team = shown("#teams-list tr[data-name='ui-team']");
    assertTrue(team.getText().contains("$50.00") && team.getText().contains("60 rpm") && team.getText().contains("chat"), team.getText());
    String teamId = team.getDomAttribute("data-id");

    shown("#teams-list tr[data-name='ui-team'] button.edit").click();
    WebElement tpm = shown("#f-teams-edit-tpm_limit");
    assertEquals("50", browser.findElement(By.id("f-teams-edit-max_budget")).getDomProperty("value"));
    tpm.sendKeys("5000");
    type("f-team-member", "ana@example.com");
    new Select(browser.findElement(By.id("f-team-member-role"))).selectByValue("admin");
    browser.findElement(By.id("team-member-submit")).click();
    textIn("#team-members", "ana@example.com");
    browser.findElement(By.id("teams-edit-save")).click();
    textIn("#teams-list tr[data-name='ui-team']", "5000 tpm");
    JsonObject info = admin("/team/info?team_id=" + teamId).getJsonObject("answer").getJsonObject("team_info");
    assertEquals(5000, info.getInteger("tpm_limit"));
    assertEquals(new JsonObject().put("owner", "ui"), info.getJsonObject("metadata"));
    JsonObject member = info.getJsonArray("members_with_roles").getJsonObject(0);
    assertEquals("ana@example.com", member.getString("user_email"));
    assertEquals("admin", member.getString("role"));
    textIn("#teams-list tr[data-name='ui-team'] td.members", "1");

    shown("#teams-list tr[data-name='ui-team'] button.toggle-block").click();
    textIn("#teams-list tr[data-name='ui-team']", "blocked");
    assertTrue(admin("/team/info?team_id=" + teamId).getJsonObject("answer").getJsonObject("team_info").getBoolean("blocked"));
    HeadlessChromium.screenshot(browser, "teams");
    shown("#teams-list tr[data-name='ui-team'] button.toggle-block").click();
    textIn("#teams-list tr[data-name='ui-team']", "active");

    // The member added by e-mail became a user; a new one gets the key /user/new makes, shown once.
    page("users");
    textIn("#users-list", "ana@example.com");
    shown("#users-create-open").click();
    type("f-users-user_alias", "ui-user");
    type("f-users-user_email", "bo@example.com");
    type("f-users-max_budget", "10");
    browser.findElement(By.id("users-create-submit")).click();
    String userKey = shown("#new-user-key").getDomProperty("value");
    assertTrue(userKey.startsWith("sk-"), userKey);
    WebElement user = shown("#users-list tr[data-name='ui-user']");
    assertTrue(user.getText().contains("bo@example.com") && user.getText().contains("$10.00"), user.getText());
    textIn("#users-list", "2 users");
    assertEquals(200, chat(userKey, "chat").statusCode(), "the user's key works");
    shown("#users-list tr[data-name='ui-user'] button.edit").click();
    new Select(shown("#f-users-edit-user_role")).selectByValue("internal_user");
    browser.findElement(By.id("users-edit-save")).click();
    textIn("#users-list tr[data-name='ui-user']", "internal_user");
    HeadlessChromium.screenshot(browser, "users");
    String userId = browser.findElement(By.cssSelector("#users-list tr[data-name='ui-user']")).getDomAttribute("data-id");
    assertEquals("internal_user", admin("/user/info?user_id=" + userId).getJsonObject("answer")
        .getJsonObject("user_info").getString("user_role"));

    // /user/list pages by 25: a 26th user is on page 2.
    for (int i = 0; i < 24; i++) {
      HttpResponse<String> made = send("POST", "/user/new", MASTER, "{\"user_alias\": \"bulk-" + i + "\", \"auto_create_key\": false}");
      assertEquals(200, made.statusCode(), made.body());
    }
    browser.navigate().refresh(); // the same #/users: only a reload lists again
    textIn("#users-list", "26 users");
    textIn("#users-pager", "Page 1 of 2");
    assertEquals(25, browser.findElements(By.cssSelector("#users-list tbody tr")).size());
    shown("#users-next").click();
    textIn("#users-pager", "Page 2 of 2");
    assertEquals(1, browser.findElements(By.cssSelector("#users-list tbody tr")).size());

    page("organizations");
    shown("#organizations-create-open").click();
    type("f-organizations-organization_alias", "ui-org");
    type("f-organizations-max_budget", "100");
    type("f-organizations-budget_duration", "30d");
    browser.findElement(By.id("organizations-create-submit")).click();
    WebElement org = shown("#organizations-list tr[data-name='ui-org']");
    assertTrue(org.getText().contains("$100.00 / 30d"), org.getText());
    shown("#organizations-list tr[data-name='ui-org'] button.edit").click();
    assertEquals("100", shown("#f-organizations-edit-max_budget").getDomProperty("value"));
    type("f-organizations-edit-max_budget", "150");
    browser.findElement(By.id("organizations-edit-save")).click();
    textIn("#organizations-list tr[data-name='ui-org']", "$150.00 / 30d");
    shown("#organizations-list tr[data-name='ui-org'] button.edit").click();
    type("f-organization-member", userId);
    browser.findElement(By.id("organization-member-submit")).click();
    textIn("#organization-members", userId);
    textIn("#organizations-list tr[data-name='ui-org'] td.members", "1");
    HeadlessChromium.screenshot(browser, "organizations");
    shown("#organization-members tr[data-user='" + userId + "'] button.remove").click();
    textIn("#organization-members", "No members yet.");
    String orgId = browser.findElement(By.cssSelector("#organizations-list tr[data-name='ui-org']")).getDomAttribute("data-id");
    assertEquals(0, admin("/organization/info?organization_id=" + orgId).getJsonObject("answer").getJsonArray("members").size());

    // Keyboard only: open the form, fill it, submit with Enter.
    page("customers");
    shown("#customers-list .empty");
    shown("#customers-create-open").sendKeys(Keys.ENTER);
    shown("#f-customers-user_id").sendKeys("cust-1");
    browser.findElement(By.id("f-customers-max_budget")).sendKeys("5", Keys.ENTER);
    WebElement customer = shown("#customers-list tr[data-id='cust-1']");
    assertTrue(customer.getText().contains("$5.00"), customer.getText());
    shown("#customers-list tr[data-id='cust-1'] button.toggle-block").click();
    textIn("#customers-list tr[data-id='cust-1']", "blocked");
    HttpResponse<String> refused = send("POST", "/v1/chat/completions", userKey,
        "{\"model\":\"chat\",\"user\":\"cust-1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    assertEquals(400, refused.statusCode(), refused.body());
    assertTrue(refused.body().contains("User blocked"), refused.body());
    HeadlessChromium.screenshot(browser, "customers");
    shown("#customers-list tr[data-id='cust-1'] button.delete").click();
    shown("#customers-list tr[data-id='cust-1'] button.confirm-delete").click();
    shown("#customers-list .empty");
    assertEquals(0, admin("/customer/list").getJsonArray("answer").size());

    // Delete asks first; Cancel keeps the team.
    page("teams");
    shown("#teams-list tr[data-name='ui-team'] button.delete").click();
    shown("#teams-list tr[data-name='ui-team'] button.cancel").click();
    shown("#teams-list tr[data-name='ui-team'] button.delete").click();
    shown("#teams-list tr[data-name='ui-team'] button.confirm-delete").click();
    shown("#teams-list .empty");
    assertEquals(new JsonArray(), admin("/team/list").getJsonArray("answer"));

    // At a phone's width the page does not scroll sideways.
    browser.manage().window().setSize(new Dimension(390, 844));
    page("users");
    shown("#users-list table");
    Object overflow = ((JavascriptExecutor) browser).executeScript(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth");
    assertEquals(0L, ((Number) overflow).longValue(), "sideways overflow at 390 px");
    HeadlessChromium.screenshot(browser, "users-phone");
  }

}
