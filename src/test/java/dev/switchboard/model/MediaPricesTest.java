package dev.switchboard.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.EnvValue;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.config.ModelInfo;
import dev.switchboard.provider.Providers;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Media prices as LiteLLM names them: images by quality and size from the shipped table, model_info's
 * per-pixel, per-image, per-character and per-second prices, and a WAV upload's seconds.
 */
public class MediaPricesTest {

  private static Deployment deployment(String model, ModelInfo info) {
    Providers.ProviderModel resolved = Providers.resolve(model, "test");
    return new Deployment(model, "group", resolved.provider(), resolved.upstreamModel(), EnvValue.ABSENT,
        EnvValue.ABSENT, EnvValue.ABSENT, 1, 1000, 1000, false, null, info, null, null, null,
        Deployment.NO_ORDER, List.of(), null);
  }

  private static double imageCost(Price price, JsonObject body) {
    Usage asked = Usage.NONE.withUnits(MediaCalls.unitsAsked(Operation.IMAGE_GENERATION, body))
        .withUnitVariant(MediaCalls.variant(Operation.IMAGE_GENERATION, body));
    return price.cost(asked);
  }

  @Test
  void dall_e_3_is_priced_by_its_quality_and_size_as_litellms_table_names_them() {
    Price dalle3 = PriceBook.shipped().of(deployment("openai/dall-e-3", ModelInfo.EMPTY));
    JsonObject ask = new JsonObject().put("prompt", "A cat");
    assertEquals(0.04, imageCost(dalle3, ask), 1e-12, "standard 1024x1024, the default");
    assertEquals(2 * 0.12, imageCost(dalle3, ask.copy().put("quality", "hd").put("size", "1792x1024").put("n", 2)), 1e-12);
    assertEquals(0.08, imageCost(dalle3, ask.copy().put("quality", "hd")), 1e-12);
    assertEquals(0.08, imageCost(dalle3, ask.copy().put("quality", "standard").put("size", "1024x1792")), 1e-12);
    assertEquals(0.04, imageCost(dalle3, ask.copy().put("size", "auto")), 1e-12, "a size the table lacks: the model's per image");
    Price dalle2 = PriceBook.shipped().of(deployment("openai/dall-e-2", ModelInfo.EMPTY));
    assertEquals(0.016, imageCost(dalle2, ask.copy().put("size", "256x256")), 1e-12);
    Price gptImage = PriceBook.shipped().of(deployment("azure/my-image", new ModelInfo(null, null, null, null, null, null, null, null, "gpt-image-1", List.of())));
    assertEquals(3 * 0.167, imageCost(gptImage, ask.copy().put("quality", "high").put("n", 3)), 1e-12);
    assertEquals(50 * 5e-6 + 4160 * 40e-6, gptImage.cost(new Usage(50, 4160, 4210, 0)), 1e-12, "its tokens when reported");
  }

  @Test
  void model_info_media_prices_by_litellms_names_win_over_the_table() {
    Price perPixel = PriceBook.shipped().of(deployment("openai/dall-e-3", info(Map.of("input_cost_per_pixel", 1e-8))));
    assertEquals(2 * 1e-8 * 1024 * 1792, imageCost(perPixel, new JsonObject().put("size", "1024x1792").put("n", 2)), 1e-12);
    Price perImage = PriceBook.shipped().of(deployment("openai/my-image-model", info(Map.of("output_cost_per_image", 0.5))));
    assertEquals(1.0, imageCost(perImage, new JsonObject().put("n", 2)), 1e-12);
    Price tts = PriceBook.shipped().of(deployment("openai/my-tts", info(Map.of("input_cost_per_character", 0.001))));
    assertEquals(0.005, tts.cost(Usage.NONE.withUnits(5)), 1e-12);
    Price stt = PriceBook.shipped().of(deployment("openai/my-stt", info(Map.of("input_cost_per_second", 0.01))));
    assertEquals(0.07, stt.cost(Usage.NONE.withUnits(7)), 1e-12);
  }

  @Test
  void media_prices_are_read_from_model_info_or_litellm_params_and_are_not_ignored_keys() {
    GatewayConfig config = new ConfigLoader(name -> null).parse("""
        model_list:
          - model_name: tts
            litellm_params: {model: openai/my-tts, api_key: sk-x, input_cost_per_character: 0.002}
          - model_name: images
            litellm_params: {model: openai/my-images, api_key: sk-x, output_cost_per_image: 0.9}
            model_info: {input_cost_per_pixel: 0.000001, output_cost_per_image: 0.3}
        """, "test");
    assertEquals(Map.of("input_cost_per_character", 0.002), config.modelList().get(0).info().mediaPrices());
    assertEquals(Map.of("input_cost_per_pixel", 0.000001, "output_cost_per_image", 0.3), config.modelList().get(1).info().mediaPrices(),
        "model_info wins over litellm_params");
    assertTrue(config.ignoredKeys().stream().noneMatch(key -> key.contains("cost_per")), config.ignoredKeys().toString());
  }

  @Test
  void a_wav_uploads_seconds_come_from_its_header_and_other_audio_has_none() {
    Buffer wav = wav(16_000, 2, 16_000 * 2 * 5 + 10); // 5 s and a little more at 32000 bytes a second
    assertEquals(6, AudioLength.seconds(wav));
    assertEquals(3, AudioLength.seconds(wav(8_000, 1, 8_000 * 3)));
    assertEquals(-1, AudioLength.seconds(Buffer.buffer("ID3-an-mp3-file-and-more-bytes")));
    assertEquals(-1, AudioLength.seconds(Buffer.buffer("RIFF")));
    JsonObject form = new JsonObject().put("file", new JsonObject().put(MediaCalls.FILE_NAME, "a.wav").put(MediaCalls.FILE_DATA, wav));
    assertEquals(6, MediaCalls.unitsAsked(Operation.TRANSCRIPTION, form));
    assertEquals(6, MediaCalls.unitsAsked(Operation.TRANSLATION, form));
  }

  /** A PCM WAV file: RIFF header, fmt chunk, a LIST chunk to skip, then the data. */
  public static Buffer wav(int sampleRate, int bytesPerSample, int dataBytes) {
    Buffer b = Buffer.buffer().appendString("RIFF").appendIntLE(36 + 12 + dataBytes).appendString("WAVE");
    b.appendString("fmt ").appendIntLE(16).appendShortLE((short) 1).appendShortLE((short) 1).appendIntLE(sampleRate)
        .appendIntLE(sampleRate * bytesPerSample).appendShortLE((short) bytesPerSample).appendShortLE((short) (8 * bytesPerSample));
    b.appendString("LIST").appendIntLE(4).appendString("INFO");
    return b.appendString("data").appendIntLE(dataBytes).appendBuffer(Buffer.buffer(new byte[dataBytes]));
  }

  private static ModelInfo info(Map<String, Double> media) {
    return ModelInfo.EMPTY.withMediaPrices(media);
  }
}
