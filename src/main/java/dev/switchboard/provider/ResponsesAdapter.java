package dev.switchboard.provider;

import dev.switchboard.errors.ErrorClass;
import dev.switchboard.errors.GatewayError;
import dev.switchboard.model.Answer;
import dev.switchboard.model.Deployment;
import dev.switchboard.model.Operation;
import dev.switchboard.model.ProviderAdapter;
import dev.switchboard.model.StreamFormat;
import dev.switchboard.model.StreamTranslator;
import dev.switchboard.model.UpstreamRequest;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.function.Function;

/**
 * The Responses API in front of a provider's adapter; every other operation goes to the adapter
 * untouched. OpenAI and Azure have {@code /responses} and get the call as it came (the deployment's
 * model put in); every other provider gets it as a chat request through its own chat translation
 * ({@link ResponsesRequests}), and its answer and stream come back as Responses objects and events.
 */
final class ResponsesAdapter implements ProviderAdapter {

  /** Azure's Responses API needs a preview version where the deployment names none (LiteLLM's default too). */
  static final String AZURE_DEFAULT_API_VERSION = "2025-03-01-preview";

  /** How the provider is reached for Responses calls. */
  enum Native { NONE, OPENAI, AZURE }

  private final ProviderAdapter chat;
  private final Native nativeApi;

  private ResponsesAdapter(ProviderAdapter chat, Native nativeApi) {
    this.chat = chat;
    this.nativeApi = nativeApi;
  }

  static ProviderAdapter wrap(ProviderAdapter adapter, Native nativeApi) {
    return new ResponsesAdapter(adapter, nativeApi);
  }

  @Override
  public UpstreamRequest request(Operation operation, Deployment deployment, JsonObject body, boolean stream,
      MultiMap clientHeaders) {
    if (operation != Operation.RESPONSES) {
      return chat.request(operation, deployment, body, stream, clientHeaders);
    }
    if (nativeApi == Native.NONE) {
      return chat.request(Operation.CHAT, deployment, ResponsesRequests.toChat(body), stream, clientHeaders);
    }
    JsonObject out = new JsonObject(new LinkedHashMap<>(body.getMap()));
    OpenAiBodies.GATEWAY_ONLY_FIELDS.forEach(out::remove);
    out.put("model", deployment.upstreamModel());
    return at(deployment, "", null, OpenAiAdapter.headers(stream), out.toBuffer());
  }

  /** {@code /responses} (or below it, {@code path} such as {@code /resp_1/input_items}) at the deployment, with its credentials. */
  private UpstreamRequest at(Deployment deployment, String path, String query, MultiMap headers, Buffer body) {
    return at(deployment, Operation.RESPONSES.path(), path, query, headers, body);
  }

  private UpstreamRequest at(Deployment deployment, String resource, String path, String query, MultiMap headers,
      Buffer body) {
    String apiBase = DeploymentValues.require(deployment, deployment.apiBase(), "api_base");
    String url;
    if (nativeApi == Native.AZURE) {
      String version = DeploymentValues.require(deployment, deployment.apiVersion(), "api_version");
      AzureCredentials.apply(deployment, headers, (h, key) -> h.set("api-key", key));
      url = apiBase + "/openai" + resource + path + "?api-version="
          + URLEncoder.encode(version == null ? AZURE_DEFAULT_API_VERSION : version, StandardCharsets.UTF_8)
          + (query == null || query.isEmpty() ? "" : "&" + query);
    } else {
      String apiKey = DeploymentValues.require(deployment, deployment.apiKey(), "api_key");
      if (apiKey != null) {
        headers.set(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey);
      }
      url = apiBase + resource + path + (query == null || query.isEmpty() ? "" : "?" + query);
    }
    return new UpstreamRequest(url, headers, body, false);
  }

  @Override
  public UpstreamRequest storedResponse(Deployment deployment, String path, String query) {
    if (nativeApi == Native.NONE) {
      return null;
    }
    return at(deployment, path, query, OpenAiAdapter.headers(false), Buffer.buffer());
  }

  /** OpenAI and Azure have the Files and Batches APIs; the other providers' wire formats do not. */
  @Override
  public UpstreamRequest filesApi(Deployment deployment, String resource, String path, String query) {
    if (nativeApi == Native.NONE) {
      return null;
    }
    return at(deployment, resource, path, query, MultiMap.caseInsensitiveMultiMap(), Buffer.buffer());
  }

  @Override
  public Future<UpstreamRequest> authorize(Deployment deployment, UpstreamRequest request,
      Function<String, HttpClient> clients) {
    return chat.authorize(deployment, request, clients);
  }

  /** A translated answer echoes its request's {@code store} and {@code previous_response_id}, as its stream does. */
  @Override
  public Answer answer(Operation operation, Deployment deployment, Buffer body, JsonObject request) {
    Answer answer = answer(operation, deployment, body);
    if (operation != Operation.RESPONSES || nativeApi != Native.NONE || request == null) {
      return answer;
    }
    JsonObject response = Json.objectOrNull(answer.body());
    return response == null ? answer : new Answer(response.mergeIn(ResponsesAnswers.echoed(request)).toBuffer(), answer.usage());
  }

  @Override
  public Answer answer(Operation operation, Deployment deployment, Buffer body) {
    if (operation != Operation.RESPONSES) {
      return chat.answer(operation, deployment, body);
    }
    if (nativeApi != Native.NONE) {
      JsonObject response = Json.objectOrNull(body);
      if (response == null) {
        throw GatewayError.of(ErrorClass.API_CONNECTION, "upstream_invalid_response", "The provider answered "
            + deployment.describe() + " with something that is not a JSON object. Retry, or check api_base.");
      }
      return new Answer(body, ResponsesAnswers.usage(response.getValue("usage") instanceof JsonObject u ? u : null));
    }
    Answer completion = chat.answer(Operation.CHAT, deployment, body);
    JsonObject json = Json.objectOrNull(completion.body());
    if (json == null) {
      throw GatewayError.of(ErrorClass.API_CONNECTION, "upstream_invalid_response", "The provider's answer for "
          + deployment.describe() + " could not be read as a chat completion.");
    }
    return new Answer(ResponsesAnswers.fromChat(json, completion.usage(), deployment.modelGroup()).toBuffer(),
        completion.usage());
  }

  @Override
  public StreamTranslator stream(Operation operation, Deployment deployment, UpstreamRequest request,
      boolean clientWantsUsage, JsonObject clientRequest) {
    if (operation != Operation.RESPONSES || nativeApi != Native.NONE) {
      return stream(operation, deployment, request, clientWantsUsage);
    }
    return new ChatToResponsesStream(chat.stream(Operation.CHAT, deployment, request, true), deployment.modelGroup(),
        ResponsesAnswers.echoed(clientRequest));
  }

  @Override
  public StreamTranslator stream(Operation operation, Deployment deployment, UpstreamRequest request,
      boolean clientWantsUsage) {
    if (operation != Operation.RESPONSES) {
      return chat.stream(operation, deployment, request, clientWantsUsage);
    }
    if (nativeApi != Native.NONE) {
      return new ResponsesPassthroughStream();
    }
    // The usage chunk is asked for: response.completed carries the usage.
    return new ChatToResponsesStream(chat.stream(Operation.CHAT, deployment, request, true), deployment.modelGroup());
  }

  @Override
  public boolean keepsResponses() {
    return nativeApi != Native.NONE;
  }

  @Override
  public StreamFormat streamFormat() {
    return chat.streamFormat();
  }

  @Override
  public boolean supports(Operation operation) {
    return operation == Operation.RESPONSES ? nativeApi != Native.NONE || chat.supports(Operation.CHAT)
        : chat.supports(operation);
  }
}
