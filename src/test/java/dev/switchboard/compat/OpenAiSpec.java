package dev.switchboard.compat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;

/**
 * OpenAI's own OpenAPI document (openai/openai-openapi, {@code openapi.yaml} at commit {@value #COMMIT},
 * gzipped in the test resources) as JSON Schema 2020-12, the dialect OpenAPI 3.1 uses. The document
 * still marks some fields {@code nullable: true}, an OpenAPI 3.0 keyword 2020-12 does not know: each
 * such node is read as {@code anyOf: [the node, {type: null}]}, which is what it means.
 */
public final class OpenAiSpec {

  static final String COMMIT = "f85dbe223d40e1a31cba812ab2d755c7e98a92a3";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectNode COMPONENTS = load();
  private static final Map<String, JsonSchema> SCHEMAS = new ConcurrentHashMap<>();

  private OpenAiSpec() {
  }

  /** What is wrong with {@code json} as an instance of {@code #/components/schemas/name}; empty when nothing is. */
  public static String problems(String name, String json) {
    try {
      Set<ValidationMessage> messages = schema(name).validate(JSON.readTree(json));
      return messages.stream().map(ValidationMessage::getMessage).sorted().collect(Collectors.joining("; "));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * What is wrong with a Responses stream event, checked against the one event schema whose
   * {@code type} it names (checking the union of all events reports every other event's mismatch).
   */
  static String eventProblems(String json) {
    try {
      String type = JSON.readTree(json).path("type").asText();
      for (Iterator<Map.Entry<String, JsonNode>> schemas = COMPONENTS.path("schemas").fields(); schemas.hasNext(); ) {
        Map.Entry<String, JsonNode> schema = schemas.next();
        JsonNode typeEnum = schema.getValue().path("properties").path("type").path("enum");
        if (schema.getKey().endsWith("Event") && typeEnum.size() == 1 && typeEnum.get(0).asText().equals(type)) {
          return problems(schema.getKey(), json);
        }
      }
      return "no event schema has type " + type;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonSchema schema(String name) {
    return SCHEMAS.computeIfAbsent(name, n -> {
      if (!COMPONENTS.path("schemas").has(n)) {
        throw new IllegalArgumentException("OpenAI's spec has no schema " + n);
      }
      ObjectNode root = JsonNodeFactory.instance.objectNode();
      root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
      root.put("$ref", "#/components/schemas/" + n);
      root.set("components", COMPONENTS);
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(root);
    });
  }

  private static ObjectNode load() {
    try (InputStream in = new GZIPInputStream(OpenAiSpec.class.getResourceAsStream("/openai/openapi.yaml.gz"))) {
      JsonNode document = new ObjectMapper(new YAMLFactory()).readTree(in);
      return (ObjectNode) nullableAsAnyOf(document.get("components"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode nullableAsAnyOf(JsonNode node) {
    if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        array.set(i, nullableAsAnyOf(array.get(i)));
      }
      return array;
    }
    if (!(node instanceof ObjectNode object)) {
      return node;
    }
    for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      field.setValue(nullableAsAnyOf(field.getValue()));
    }
    if (object.path("nullable").asBoolean(false)) {
      object.remove("nullable");
      ObjectNode either = JsonNodeFactory.instance.objectNode();
      either.putArray("anyOf").add(object).add(JsonNodeFactory.instance.objectNode().put("type", "null"));
      return either;
    }
    return object;
  }
}
