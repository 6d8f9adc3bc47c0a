import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The smoke test's provider: OpenAI's chat completions endpoint with one fixed answer, inside the
 * stack's own Docker network (not published on the host). It checks the bearer key the smoke
 * config gives the gateway, so a gateway that sent the wrong key gets OpenAI's 401. JDK only, so
 * it runs in the gateway's own image: {@code java -cp /mock MockOpenAi 8080}.
 */
public final class MockOpenAi {

  static final String KEY = "sk-smoke-provider";

  public static void main(String[] args) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(Integer.parseInt(args[0])), 64);
    server.createContext("/v1/chat/completions", MockOpenAi::chat);
    server.start();
    System.out.println("mock OpenAI listening on " + args[0]);
  }

  private static void chat(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    if (!"POST".equals(exchange.getRequestMethod())) {
      send(exchange, 405, "{\"error\":{\"message\":\"POST only\",\"type\":\"invalid_request_error\"}}");
    } else if (!("Bearer " + KEY).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
      send(exchange, 401, "{\"error\":{\"message\":\"Incorrect API key provided\",\"type\":\"invalid_request_error\","
          + "\"code\":\"invalid_api_key\"}}");
    } else if (!body.contains("\"messages\"")) {
      send(exchange, 400, "{\"error\":{\"message\":\"messages is required\",\"type\":\"invalid_request_error\"}}");
    } else {
      send(exchange, 200, "{\"id\":\"chatcmpl-smoke\",\"object\":\"chat.completion\",\"created\":1700000000,"
          + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
          + "\"content\":\"smoke ok\"},\"finish_reason\":\"stop\"}],"
          + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2,\"total_tokens\":7}}");
    }
  }

  private static void send(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
