package dev.switchboard.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.GatewayExtension;
import io.vertx.core.Future;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The UI's files come from the jar with a strict CSP, no framing and caching headers, without any key. */
@ExtendWith(VertxExtension.class)
class UiAssetsTest {

  @RegisterExtension
  static final GatewayExtension GW = GatewayExtension.withConfig(m -> """
      model_list:
        - {model_name: chat, litellm_params: {model: openai/chat, api_base: "%1$s", api_key: sk-up}}
      general_settings: {master_key: sk-ui-assets, database_url: none}
      """.formatted(m.apiBase()));

  @Test
  void the_bare_path_moves_to_the_folder_so_relative_modules_resolve(VertxTestContext ctx) {
    GW.client().get(GW.port(), "127.0.0.1", "/ui").followRedirects(false).send()
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertEquals(302, response.statusCode());
          assertEquals("/ui/", response.getHeader("Location"));
          ctx.completeNow();
        })));
  }

  @Test
  void the_page_is_served_with_a_strict_policy_and_no_framing(VertxTestContext ctx) {
    GW.get("/ui/").send().onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertEquals(200, response.statusCode());
      assertTrue(response.getHeader("content-type").startsWith("text/html"), response.getHeader("content-type"));
      String csp = response.getHeader("Content-Security-Policy");
      assertNotNull(csp);
      assertTrue(csp.contains("script-src 'self';") && csp.contains("style-src 'self';") && csp.contains("frame-ancestors 'none'"), csp);
      assertFalse(csp.contains("unsafe-inline") || csp.contains("unsafe-eval"), csp);
      assertEquals("DENY", response.getHeader("X-Frame-Options"));
      assertEquals("nosniff", response.getHeader("X-Content-Type-Options"));
      assertTrue(response.getHeader("Cache-Control").contains("max-age=" + UiRoutes.MAX_AGE_SECONDS), response.getHeader("Cache-Control"));
      String html = response.bodyAsString();
      assertTrue(html.contains("<script type=\"module\" src=\"js/app.js\">"), html);
      assertFalse(html.contains("style=") || html.contains("<style") || html.contains("http://") || html.contains("https://"),
          "no inline style and nothing loaded from elsewhere");
      ctx.completeNow();
    })));
  }

  @Test
  void modules_are_javascript_and_unknown_files_are_404(VertxTestContext ctx) {
    Future.all(GW.get("/ui/js/app.js").send(), GW.get("/ui/js/pages/keys.js").send(), GW.get("/ui/nothing.js").send())
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          for (int i = 0; i < 2; i++) {
            var response = all.<io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer>>resultAt(i);
            assertEquals(200, response.statusCode());
            assertTrue(response.getHeader("content-type").contains("javascript"), response.getHeader("content-type"));
            assertEquals("DENY", response.getHeader("X-Frame-Options"));
            assertNotNull(response.getHeader("Last-Modified"));
          }
          assertEquals(404, all.<io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer>>resultAt(2).statusCode());
          ctx.completeNow();
        })));
  }
}
