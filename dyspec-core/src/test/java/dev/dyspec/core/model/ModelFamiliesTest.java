package dev.dyspec.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.dyspec.core.checkpoint.Architecture;
import dev.dyspec.core.checkpoint.Checkpoint;
import dev.dyspec.core.checkpoint.CheckpointException;
import dev.dyspec.core.checkpoint.HfCheckpointLoader;
import dev.dyspec.core.checkpoint.ModelConfig;
import dev.dyspec.core.checkpoint.RopeScaling;
import dev.dyspec.core.checkpoint.SafetensorsWriter;
import dev.dyspec.core.checkpoint.WeightTensor;
import dev.dyspec.core.testing.Logits;
import dev.dyspec.core.testing.RandomModels;
import dev.dyspec.core.testing.ReferenceLlama;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every family's checkpoint, written as that family's config.json and safetensors and loaded through
 * the same path a user's model takes, scores like a plain double-precision reference of the family's
 * math: a causal run, and a token tree against a cache.
 */
class ModelFamiliesTest {

    @TempDir
    Path tmp;

    private static ModelConfig config(int maxPositions, boolean tied, Architecture a) {
        return new ModelConfig(32, 48, 2, 4, 2, 61, 1e-5, a.family().startsWith("qwen") ? 1e6 : 10000.0, maxPositions,
                tied, 1, 2, a);
    }

    static Stream<Arguments> families() {
        return Stream.of(
                Arguments.of("llama3 rope scaling beyond original context", config(96, true, new Architecture("llama", 0,
                        RopeScaling.llama3(4, 1, 4, 16), false, false, false, false, 0)), 60),
                Arguments.of("llama linear scaling, head_dim, attention and mlp bias", config(64, false, new Architecture(
                        "llama", 16, RopeScaling.linear(2), true, true, true, false, 0)), 20),
                Arguments.of("mistral with a sliding window", config(64, false, new Architecture("mistral", 0,
                        RopeScaling.NONE, false, false, false, false, 24)), 20),
                Arguments.of("qwen2 q/k/v bias", config(64, false, new Architecture("qwen2", 0, RopeScaling.NONE, true,
                        false, false, false, 0)), 20),
                Arguments.of("qwen2 tied", config(64, true, new Architecture("qwen2", 0, RopeScaling.NONE, true, false,
                        false, false, 0)), 12),
                Arguments.of("qwen3 q/k norm and head_dim 16 of 8", config(64, true, new Architecture("qwen3", 16,
                        RopeScaling.NONE, false, false, false, true, 0)), 20));
    }

    /** Every family on each forward kernel. */
    static Stream<Arguments> familiesOnEachBackend() {
        return families().flatMap(f -> Stream.of(ForwardBackend.values()).map(b -> {
            Object[] a = f.get();
            return Arguments.of(a[0], a[1], a[2], b);
        }));
    }

    private Checkpoint writeAndLoad(ModelConfig c, Map<String, WeightTensor> weights) throws Exception {
        return writeAndLoad(c, weights, SafetensorsWriter.Dtype.F32);
    }

    private Checkpoint writeAndLoad(ModelConfig c, Map<String, WeightTensor> weights, SafetensorsWriter.Dtype dtype) throws Exception {
        Path dir = tmp.resolve(c.architecture().family() + "-" + System.nanoTime());
        RandomModels.writeHf(dir, c, weights, dtype);
        return HfCheckpointLoader.load(dir);
    }

    /**
     * A checkpoint shipped in F16 or BF16 keeps 2 bytes per projection weight on the Java kernel (its norms,
     * biases and q scaling applied in the forward instead of folded into the weights) and still scores like
     * the reference of the values it holds, on both kernels.
     */
    @ParameterizedTest(name = "{0} {1} ({2})")
    @CsvSource({"F16, 0, JAVA", "BF16, 0, JAVA", "F16, 1, JAVA", "BF16, 3, JAVA", "F16, 5, JAVA", "BF16, 0, TORCH", "F16, 5, TORCH"})
    void halfPrecisionCheckpointsScoreLikeTheReferenceOfTheirValues(SafetensorsWriter.Dtype dtype, int family,
            ForwardBackend backend) throws Exception {
        Object[] f = families().toList().get(family).get();
        ModelConfig c = (ModelConfig) f[1];
        Checkpoint loaded = writeAndLoad(c, RandomModels.weights(c, 29), dtype);
        int[] tokens = new Random(family).ints(20, 0, c.vocabSize()).toArray();
        double[][] expected = new ReferenceLlama(c, loaded.weights(), false).logits(tokens);
        try (CausalLm lm = new CausalLm(loaded, Device.cpu(), c.maxPositions(), c.vocabSize(), backend); KvCache cache = lm.newCache(c.maxPositions())) {
            assertEquals(backend == ForwardBackend.JAVA ? dtype.name() : "F32", lm.weightStorage());
            float[][] actual = lm.forwardChain(cache, tokens, true);
            for (int t = 0; t < tokens.length; t++) {
                double diff = Logits.maxRelativeDifference(actual[t], expected[t]);
                assertTrue(diff <= 1e-4, f[0] + ": position " + t + " relative difference " + diff);
            }
        }
    }

    @ParameterizedTest(name = "{0} ({3})")
    @MethodSource("familiesOnEachBackend")
    void causalRunMatchesTheFamilysReference(String name, ModelConfig c, int length, ForwardBackend backend) throws Exception {
        Map<String, WeightTensor> weights = RandomModels.weights(c, 17);
        Checkpoint loaded = writeAndLoad(c, weights);
        ModelConfig expectedConfig = c.architecture().slidingWindow() > 0
                ? c.withMaxPositions(Math.min(c.maxPositions(), c.architecture().slidingWindow())) : c;
        assertEquals(expectedConfig, loaded.config(), "config.json round trip");
        int[] tokens = new Random(length).ints(length, 0, c.vocabSize()).toArray();
        double[][] expected = new ReferenceLlama(c, weights, false).logits(tokens);
        try (CausalLm lm = new CausalLm(loaded, Device.cpu(), c.maxPositions(), c.vocabSize(), backend); KvCache cache = lm.newCache(c.maxPositions())) {
            float[][] actual = lm.forwardChain(cache, tokens, true);
            for (int t = 0; t < tokens.length; t++) {
                double diff = Logits.maxRelativeDifference(actual[t], expected[t]);
                assertTrue(diff <= 1e-4, name + ": position " + t + " relative difference " + diff);
            }
        }
    }

    @ParameterizedTest(name = "{0} ({3})")
    @MethodSource("familiesOnEachBackend")
    void treeAgainstACacheMatchesTheFamilysReference(String name, ModelConfig c, int length, ForwardBackend backend) throws Exception {
        Map<String, WeightTensor> weights = RandomModels.weights(c, 23);
        Checkpoint loaded = writeAndLoad(c, weights);
        ReferenceLlama reference = new ReferenceLlama(c, weights, false);
        Random random = new Random(7);
        try (CausalLm lm = new CausalLm(loaded, Device.cpu(), c.maxPositions() + 16, c.vocabSize(), backend)) {
            int[] context = random.ints(Math.max(1, length - 8), 0, c.vocabSize()).toArray();
            CausalLmTest.RandomTree tree = CausalLmTest.RandomTree.generate(random, 8, c.vocabSize());
            float[][] treeLogits;
            try (KvCache cache = lm.newCache(c.maxPositions() + 16)) {
                lm.prefill(cache, context);
                treeLogits = lm.forward(cache, tree.tokens(), tree.positions(context.length), tree.mask(), true);
            }
            for (int node = 0; node < tree.size(); node++) {
                double[][] seq = reference.logits(CausalLmTest.concat(context, tree.pathTokens(node)));
                double diff = Logits.maxRelativeDifference(treeLogits[node], seq[seq.length - 1]);
                assertTrue(diff <= 1e-4, name + ": node " + node + " difference " + diff);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "unknown architecture | {\"architectures\": [\"GemmaForCausalLM\"]} | 'architectures' names an unsupported architecture [GemmaForCausalLM]",
        "mixture of experts | {\"architectures\": [\"Qwen2MoeForCausalLM\"]} | 'architectures' names an unsupported architecture [Qwen2MoeForCausalLM]",
        "yarn rope | {\"architectures\": [\"LlamaForCausalLM\"], \"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 4}} | 'rope_scaling' has type 'yarn'",
        "llama3 rope without its fields | {\"architectures\": [\"LlamaForCausalLM\"], \"rope_scaling\": {\"rope_type\": \"llama3\", \"factor\": 8}} | 'rope_scaling' of type 'llama3' lacks a field",
        "qwen per-layer windows | {\"architectures\": [\"Qwen2ForCausalLM\"], \"use_sliding_window\": true} | 'use_sliding_window' is true",
        "gelu | {\"architectures\": [\"MistralForCausalLM\"], \"hidden_act\": \"gelu\"} | 'hidden_act' is 'gelu'",
        "odd head_dim | {\"architectures\": [\"Qwen3ForCausalLM\"], \"head_dim\": 7} | head_dim must be positive and even"})
    void unsupportedFieldsAreRefusedNamingFileAndField(String name, String fields, String expected) throws Exception {
        String base = "\"hidden_size\": 32, \"intermediate_size\": 48, \"num_hidden_layers\": 1, \"num_attention_heads\": 4, "
                + "\"vocab_size\": 61, ";
        Path file = tmp.resolve("config.json");
        Files.writeString(file, "{" + base + fields.substring(1));
        CheckpointException e = assertThrows(CheckpointException.class, () -> HfCheckpointLoader.readConfig(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expected), name + ": " + e.getMessage());
    }
}
