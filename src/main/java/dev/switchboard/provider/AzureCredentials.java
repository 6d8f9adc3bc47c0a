package dev.switchboard.provider;

import dev.switchboard.config.AzureAuth;
import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.UpstreamRequest;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import java.util.function.Function;

/**
 * Azure's ways to authenticate, in LiteLLM's order: a static {@code azure_ad_token}, else Entra ID
 * client credentials (a token fetched and cached by {@link EntraTokens}), else the key.
 */
final class AzureCredentials {

  private AzureCredentials() {
  }

  /**
   * Puts the static credentials on {@code headers}: the ad token as a bearer, or the key through
   * {@code putKey}. Client credentials are only checked here; {@link #authorize} adds their token.
   */
  static void apply(Deployment deployment, MultiMap headers, java.util.function.BiConsumer<MultiMap, String> putKey) {
    AzureAuth auth = deployment.azureAuth();
    if (auth.usesAdToken()) {
      headers.set(HttpHeaders.AUTHORIZATION, "Bearer " + DeploymentValues.require(deployment, auth.adToken(), "azure_ad_token"));
      return;
    }
    if (auth.usesClientCredentials()) {
      String tenant = DeploymentValues.require(deployment, auth.tenantId(), "tenant_id");
      String client = DeploymentValues.require(deployment, auth.clientId(), "client_id");
      String secret = DeploymentValues.require(deployment, auth.clientSecret(), "client_secret");
      DeploymentValues.require(deployment, auth.authorityHost(), "azure_authority_host");
      if (tenant == null || client == null || secret == null) {
        throw GatewayError.of(ErrorClass.INTERNAL_SERVER, "incomplete_azure_credentials", "Deployment " + deployment.id()
            + " of model '" + deployment.modelGroup() + "' cannot be called: Entra ID client credentials need "
            + "tenant_id, client_id and client_secret (or AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET); fix config.yaml.");
      }
      return;
    }
    String apiKey = DeploymentValues.require(deployment, deployment.apiKey(), "api_key");
    if (apiKey != null) {
      putKey.accept(headers, apiKey);
    }
  }

  /** Adds the client-credentials token as a bearer; other deployments pass unchanged. */
  static Future<UpstreamRequest> authorize(Deployment deployment, UpstreamRequest request,
      Function<String, HttpClient> clients) {
    AzureAuth auth = deployment.azureAuth();
    if (auth.usesAdToken() || !auth.usesClientCredentials()) {
      return Future.succeededFuture(request);
    }
    EntraTokens.Key key = new EntraTokens.Key(EntraTokenFetch.tokenUrl(auth.authorityHost().value(), auth.tenantId().value()),
        auth.tenantId().value(), auth.clientId().value());
    String secret = auth.clientSecret().value();
    return EntraTokens.SHARED.token(key, () -> EntraTokenFetch.fetch(clients.apply(key.tokenUrl()), key, secret))
        .map(token -> {
          request.headers().set(HttpHeaders.AUTHORIZATION, "Bearer " + token);
          return request;
        });
  }
}
