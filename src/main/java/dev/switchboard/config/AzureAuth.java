package dev.switchboard.config;

/**
 * How a deployment authenticates to Azure besides {@code api_key}: a static Entra ID bearer token
 * ({@code azure_ad_token}) or client credentials ({@code tenant_id}, {@code client_id},
 * {@code client_secret}) exchanged for tokens at {@code azure_authority_host}. Every value may be
 * {@link EnvValue#ABSENT}; none is ever printed.
 */
public record AzureAuth(EnvValue adToken, EnvValue tenantId, EnvValue clientId, EnvValue clientSecret,
    EnvValue authorityHost) {

  public static final AzureAuth NONE = new AzureAuth(EnvValue.ABSENT, EnvValue.ABSENT, EnvValue.ABSENT,
      EnvValue.ABSENT, EnvValue.ABSENT);

  /** Some client-credential setting is given (set or naming an unset variable). */
  public boolean usesClientCredentials() {
    return given(tenantId) || given(clientId) || given(clientSecret);
  }

  public boolean usesAdToken() {
    return given(adToken);
  }

  private static boolean given(EnvValue value) {
    return value.isSet() || value.isMissingVariable();
  }

  @Override
  public String toString() {
    return "AzureAuth[" + (usesAdToken() ? "azure_ad_token" : usesClientCredentials() ? "client credentials" : "none") + "]";
  }
}
