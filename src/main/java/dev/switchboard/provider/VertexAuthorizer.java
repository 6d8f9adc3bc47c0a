package dev.switchboard.provider;

import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.UpstreamRequest;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The bearer token of a Vertex AI call: the service account from {@code vertex_credentials} (read
 * once per source, a file asynchronously), its access token cached per account and refreshed
 * before expiry by {@link EntraTokens} (the same cache as Azure's: one fetch in flight per account,
 * failures not cached). Without {@code vertex_project} the account's {@code project_id} is used.
 */
final class VertexAuthorizer {

  static final EntraTokens TOKENS = new EntraTokens(System::currentTimeMillis);
  private static final Map<String, VertexCredentials.ServiceAccount> ACCOUNTS = new ConcurrentHashMap<>();

  private VertexAuthorizer() {
  }

  /** The configured credentials source (a path or JSON); a 500 naming the setting when there is none. */
  static String requireCredentials(Deployment deployment) {
    String source = DeploymentValues.require(deployment, deployment.vertexAuth().credentials(), "vertex_credentials");
    if (source == null || source.isBlank()) {
      throw GatewayError.of(ErrorClass.INTERNAL_SERVER, "missing_vertex_credentials", "Deployment " + deployment.id()
          + " of model '" + deployment.modelGroup() + "' cannot be called: it has no vertex_credentials and "
          + "GOOGLE_APPLICATION_CREDENTIALS is not set on the gateway. Give a service-account key file (path or JSON).");
    }
    return source.trim();
  }

  static Future<UpstreamRequest> authorize(Deployment deployment, UpstreamRequest request,
      Function<String, HttpClient> clients) {
    String source;
    try {
      source = requireCredentials(deployment);
    } catch (GatewayError e) {
      return Future.failedFuture(e);
    }
    return account(deployment, source).compose(account -> {
      String url = request.url();
      if (url.contains(VertexAdapter.PROJECT_FROM_CREDENTIALS)) {
        if (account.projectId() == null) {
          return Future.failedFuture(GatewayError.of(ErrorClass.INTERNAL_SERVER, "missing_vertex_project", "Deployment "
              + deployment.id() + " of model '" + deployment.modelGroup() + "' cannot be called: set vertex_project "
              + "(or VERTEXAI_PROJECT); its service account names no project_id."));
        }
        url = url.replace(VertexAdapter.PROJECT_FROM_CREDENTIALS, account.projectId());
      }
      String ready = url;
      EntraTokens.Key key = new EntraTokens.Key(account.tokenUri(), String.valueOf(account.privateKeyId()), account.clientEmail());
      return TOKENS.token(key, () -> VertexTokenFetch.fetch(clients.apply(account.tokenUri()), account,
              System.currentTimeMillis() / 1000))
          .map(token -> {
            request.headers().set(HttpHeaders.AUTHORIZATION, "Bearer " + token);
            return new UpstreamRequest(ready, request.headers(), request.body(), request.asksForUsage());
          });
    });
  }

  /** The key file as read before, else read now: a JSON string as is, a path from disk without blocking the loop. */
  static Future<VertexCredentials.ServiceAccount> account(Deployment deployment, String source) {
    VertexCredentials.ServiceAccount known = ACCOUNTS.get(source);
    if (known != null) {
      return Future.succeededFuture(known);
    }
    boolean inline = source.startsWith("{");
    Future<String> json;
    if (inline) {
      json = Future.succeededFuture(source);
    } else {
      Context context = Vertx.currentContext();
      json = context != null ? context.owner().fileSystem().readFile(source).map(buffer -> buffer.toString())
          : readNow(source);
    }
    return json.recover(unreadable -> Future.failedFuture(invalid(deployment, "file " + source + " cannot be read")))
        .compose(text -> {
          try {
            VertexCredentials.ServiceAccount account = VertexCredentials.parse(text);
            ACCOUNTS.put(source, account);
            return Future.succeededFuture(account);
          } catch (IllegalArgumentException e) {
            return Future.failedFuture(invalid(deployment, (inline ? "JSON " : "file " + source + " ") + e.getMessage()));
          }
        });
  }

  private static Future<String> readNow(String path) {
    try {
      return Future.succeededFuture(Files.readString(Path.of(path)));
    } catch (Exception e) {
      return Future.failedFuture(e);
    }
  }

  private static GatewayError invalid(Deployment deployment, String what) {
    return GatewayError.of(ErrorClass.INTERNAL_SERVER, "invalid_vertex_credentials", "Deployment " + deployment.id()
        + " of model '" + deployment.modelGroup() + "' cannot be called: its vertex_credentials " + what
        + ". Give a service-account key file (path or JSON).");
  }
}
