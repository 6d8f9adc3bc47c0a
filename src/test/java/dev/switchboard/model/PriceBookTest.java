package dev.switchboard.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.config.ModelInfo;
import dev.switchboard.config.EnvValue;
import dev.switchboard.provider.Providers;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** Prices come from model_info, else from the shipped table; an unknown model costs 0 and is named once. */
class PriceBookTest {

  private static Deployment deployment(String id, String model, ModelInfo info) {
    Providers.ProviderModel resolved = Providers.resolve(model, "test");
    return new Deployment(id, "group-" + id, resolved.provider(), resolved.upstreamModel(), EnvValue.ABSENT,
        EnvValue.ABSENT, EnvValue.ABSENT, 1, 1000, 1000, false, null, info, null, null, null,
        Deployment.NO_ORDER, List.of(), null);
  }

  private static ModelInfo info(Double input, Double output, String baseModel) {
    return new ModelInfo(null, null, input, output, null, null, null, null, baseModel, List.of());
  }

  @Test
  void the_shipped_table_prices_providers_models_by_name_prefix_and_dated_version() {
    PriceBook book = PriceBook.shipped();
    Price mini = book.of(deployment("a", "openai/gpt-4o-mini-2024-07-18", ModelInfo.EMPTY));
    assertEquals(0.15e-6, mini.input(), 1e-15);
    assertEquals(0.60e-6, mini.output(), 1e-15);
    assertEquals(128000, mini.maxInput());
    Price sonnet = book.of(deployment("b", "anthropic/claude-sonnet-4-20250514", ModelInfo.EMPTY));
    assertEquals(3e-6, sonnet.input(), 1e-15);
    assertEquals(0.3e-6, sonnet.cachedInput(), 1e-15);
    assertTrue(book.of(deployment("c", "groq/llama-3.3-70b-versatile", ModelInfo.EMPTY)).known());
    assertTrue(book.of(deployment("d", "openai/text-embedding-3-small", ModelInfo.EMPTY)).known());
    Price azure = book.of(deployment("e", "azure/my-prod-deployment", info(null, null, "gpt-4.1")));
    assertEquals(2e-6, azure.input(), 1e-15);
  }

  @Test
  void gemini_2_models_are_priced_pinned_versions_and_previews_included() {
    PriceBook book = PriceBook.shipped();
    for (String model : List.of("gemini/gemini-2.5-pro", "gemini/gemini-2.5-flash", "gemini/gemini-2.5-flash-lite",
        "gemini/gemini-2.0-flash", "gemini/gemini-2.0-flash-001", "gemini/gemini-2.0-flash-lite-001",
        "gemini/gemini-2.5-pro-preview-06-05", "gemini/gemini-embedding-001")) {
      assertTrue(book.of(deployment(model, model, ModelInfo.EMPTY)).known(), model);
    }
    Price flash = book.of(deployment("g", "gemini/gemini-2.5-flash", ModelInfo.EMPTY));
    assertEquals(0.30e-6, flash.input(), 1e-15);
    assertEquals(2.50e-6, flash.output(), 1e-15);
    assertEquals(0.075e-6, flash.cachedInput(), 1e-15);
  }

  @Test
  void cohere_command_and_embed_models_are_priced_under_both_prefixes() {
    PriceBook book = PriceBook.shipped();
    for (String model : List.of("cohere_chat/command-r", "cohere/command-r-plus", "cohere_chat/command-r7b-12-2024",
        "cohere_chat/command-a-03-2025", "cohere_chat/command-r-08-2024", "cohere/embed-english-v3.0",
        "cohere/embed-multilingual-v3.0", "cohere/rerank-v3.5")) {
      assertTrue(book.of(deployment(model, model, ModelInfo.EMPTY)).known(), model);
    }
    Price commandR = book.of(deployment("c", "cohere_chat/command-r", ModelInfo.EMPTY));
    assertEquals(0.15e-6, commandR.input(), 1e-15);
    assertEquals(0.60e-6, commandR.output(), 1e-15);
    assertEquals(128000, commandR.maxInput());
    Price commandA = book.of(deployment("a", "cohere/command-a-03-2025", ModelInfo.EMPTY));
    assertEquals(2.5e-6, commandA.input(), 1e-15);
    assertEquals(10e-6, commandA.output(), 1e-15);
    assertEquals(0.0375e-6, book.of(deployment("r7b", "cohere_chat/command-r7b-12-2024", ModelInfo.EMPTY)).input(), 1e-15);
    assertEquals(0.10e-6, book.of(deployment("e", "cohere/embed-english-v3.0", ModelInfo.EMPTY)).input(), 1e-15);
  }

  @Test
  void vertex_gemini_and_claude_on_vertex_are_priced_under_litellms_names() {
    PriceBook book = PriceBook.shipped();
    for (String model : List.of("vertex_ai/gemini-2.5-pro", "vertex_ai/gemini-2.5-flash", "vertex_ai/gemini-2.0-flash",
        "vertex_ai/gemini-2.0-flash-001", "vertex_ai/claude-3-5-sonnet-v2@20241022", "vertex_ai/claude-sonnet-4@20250514",
        "vertex_ai/claude-3-7-sonnet@20250219", "vertex_ai/claude-opus-4-1@20250805", "vertex_ai/claude-3-5-haiku@20241022",
        "vertex_ai/text-embedding-005")) {
      assertTrue(book.of(deployment(model, model, ModelInfo.EMPTY)).known(), model);
    }
    Price sonnet = book.of(deployment("c", "vertex_ai/claude-3-5-sonnet-v2@20241022", ModelInfo.EMPTY));
    assertEquals(3.00e-6, sonnet.input(), 1e-15);
    assertEquals(15.00e-6, sonnet.output(), 1e-15);
    assertEquals(0.30e-6, sonnet.cachedInput(), 1e-15);
    Price flash = book.of(deployment("g", "vertex_ai/gemini-2.0-flash", ModelInfo.EMPTY));
    assertEquals(0.15e-6, flash.input(), 1e-15);
    assertEquals(0.60e-6, flash.output(), 1e-15);
  }

  @Test
  void bedrock_models_are_priced_by_their_model_ids_converse_route_and_cross_region_profiles_included() {
    PriceBook book = PriceBook.shipped();
    for (String model : List.of("bedrock/anthropic.claude-3-5-sonnet-20241022-v2:0", "bedrock/us.anthropic.claude-3-7-sonnet-20250219-v1:0",
        "bedrock/meta.llama3-1-70b-instruct-v1:0", "bedrock/mistral.mistral-large-2407-v1:0", "bedrock/amazon.titan-text-express-v1",
        "bedrock/amazon.nova-pro-v1:0", "bedrock/amazon.titan-embed-text-v2:0", "bedrock/converse/meta.llama3-3-70b-instruct-v1:0")) {
      assertTrue(book.of(deployment(model, model, ModelInfo.EMPTY)).known(), model);
    }
    Price haiku = book.of(deployment("h", "bedrock/converse/anthropic.claude-3-haiku-20240307-v1:0", ModelInfo.EMPTY));
    assertEquals(0.25e-6, haiku.input(), 1e-15);
    assertEquals(1.25e-6, haiku.output(), 1e-15);
    Price sonnet = book.of(deployment("s", "bedrock/anthropic.claude-sonnet-4-20250514-v1:0", ModelInfo.EMPTY));
    assertEquals(0.30e-6, sonnet.cachedInput(), 1e-15);
    assertEquals(64000, sonnet.maxOutput());
    assertEquals(1.30e-6, book.of(deployment("t", "bedrock/amazon.titan-text-express-v1", ModelInfo.EMPTY)).input(), 1e-15);
  }

  @Test
  void model_info_prices_win_and_cached_tokens_cost_the_cached_price() {
    PriceBook book = PriceBook.shipped();
    Price custom = book.of(deployment("f", "openai/gpt-4o", info(1e-6, 2e-6, null)));
    assertEquals(10 * 1e-6 + 5 * 2e-6, custom.cost(new Usage(10, 5, 15, 0)), 1e-15);
    Price listed = book.of(deployment("g", "openai/gpt-4o", ModelInfo.EMPTY));
    // 100 prompt tokens of which 40 cached: 60 at 2.50/M, 40 at 1.25/M, 10 out at 10/M.
    assertEquals((60 * 2.5 + 40 * 1.25 + 10 * 10) / 1e6, listed.cost(new Usage(100, 10, 110, 40)), 1e-15);
  }

  @Test
  void an_unknown_model_costs_nothing_and_is_named_in_one_warning() {
    List<String> warnings = new ArrayList<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord record) {
        warnings.add(record.getMessage());
      }

      @Override
      public void flush() {
      }

      @Override
      public void close() {
      }
    };
    Logger logger = Logger.getLogger(PriceBook.class.getName());
    logger.addHandler(capture);
    try {
      PriceBook book = PriceBook.shipped();
      Deployment unknown = deployment("h", "hosted_vllm/my-finetune", ModelInfo.EMPTY);
      assertFalse(book.of(unknown).known());
      assertEquals(0, book.of(unknown).cost(new Usage(1000, 1000, 2000, 0)));
      assertEquals(1, warnings.stream().filter(w -> w.contains("hosted_vllm/my-finetune")).count(), warnings.toString());
    } finally {
      logger.removeHandler(capture);
    }
  }
}
