package dev.dyspec.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.dyspec.core.decode.SpeculativeDecoder;
import dev.dyspec.core.model.LanguageModel;
import dev.dyspec.core.model.ModelLoader;
import dev.dyspec.core.testing.RandomModels;
import dev.dyspec.core.testing.SharedModels;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad checkpoints fail with a message that names the file and the problem, never a JVM abort. */
class CheckpointErrorsTest {

    @TempDir
    Path tmp;

    private final ModelConfig config = RandomModels.config(16, 32, 1, 2, 1, 20, 32, true);

    private Path writeModel(SafetensorsWriter.Dtype dtype) throws IOException {
        Path dir = tmp.resolve("model");
        RandomModels.writeHf(dir, config, RandomModels.weights(config, 1), dtype);
        return dir;
    }

    private static void assertMessage(RuntimeException e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' lacks '" + part + "'");
        }
    }

    @Test
    void missingFilesAreNamed() throws IOException {
        Path dir = writeModel(SafetensorsWriter.Dtype.F32);
        Files.delete(dir.resolve("model.safetensors"));
        assertMessage(assertThrows(CheckpointException.class, () -> HfCheckpointLoader.load(dir)),
                dir.toString(), "no model.safetensors");
        Path missing = tmp.resolve("nope.bin");
        assertMessage(assertThrows(CheckpointException.class, () -> Llama2cCheckpointLoader.load(missing)),
                "nope.bin", "file not found");
        assertMessage(assertThrows(CheckpointException.class, () -> new ModelLoader(Device.cpu(), 2).load(tmp.resolve("absent"))),
                "absent", "not found");
        Files.delete(dir.resolve("config.json"));
        assertMessage(assertThrows(CheckpointException.class, () -> HfCheckpointLoader.load(dir)), "config.json", "not found");
    }

    @Test
    void truncatedSafetensorsIsReported() throws IOException {
        Path file = writeModel(SafetensorsWriter.Dtype.F32).resolve("model.safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(raf.length() - 100);
        }
        assertMessage(assertThrows(CheckpointException.class, () -> SafetensorsFile.open(file)),
                "model.safetensors", "truncated");
        Files.write(file, new byte[] {1, 2, 3});
        assertMessage(assertThrows(CheckpointException.class, () -> SafetensorsFile.open(file)), "truncated");
    }

    @Test
    void corruptHeaderIsReported() throws IOException {
        Path file = tmp.resolve("bad.safetensors");
        byte[] junk = "{not json at all".getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + junk.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(junk.length).put(junk);
        Files.write(file, b.array());
        assertMessage(assertThrows(CheckpointException.class, () -> SafetensorsFile.open(file)),
                "bad.safetensors", "corrupt safetensors header");
        ByteBuffer huge = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        huge.putLong(Long.MAX_VALUE / 2).putLong(0);
        Files.write(file, huge.array());
        assertMessage(assertThrows(CheckpointException.class, () -> SafetensorsFile.open(file)), "header length");
    }

    @Test
    void shapeThatDisagreesWithConfigIsReported() throws IOException {
        Path dir = writeModel(SafetensorsWriter.Dtype.F32);
        Files.writeString(dir.resolve("config.json"), RandomModels.configJson(
                RandomModels.config(16, 48, 1, 2, 1, 20, 32, true)));
        assertMessage(assertThrows(CheckpointException.class, () -> HfCheckpointLoader.load(dir)),
                "model.safetensors", "mlp.gate_proj.weight", "has shape [32, 16]", "config.json implies [48, 16]");
    }

    @Test
    void unsupportedArchitectureIsReported() throws IOException {
        Path dir = writeModel(SafetensorsWriter.Dtype.F32);
        Files.writeString(dir.resolve("config.json"),
                RandomModels.configJson(config).replace("LlamaForCausalLM", "GPT2LMHeadModel"));
        assertMessage(assertThrows(CheckpointException.class, () -> HfCheckpointLoader.load(dir)),
                "config.json", "unsupported architecture", "GPT2LMHeadModel");
    }

    @Test
    void unsupportedDtypeIsReported() throws IOException {
        Path file = tmp.resolve("ints.safetensors");
        String header = "{\"w\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + 16).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).putLong(1).putLong(2);
        Files.write(file, b.array());
        assertMessage(assertThrows(CheckpointException.class, () -> SafetensorsFile.open(file).read("w")),
                "ints.safetensors", "unsupported dtype I64");
    }

    @Test
    void halfAndBfloat16AreWidenedInJava() throws IOException {
        Map<String, WeightTensor> original = RandomModels.weights(config, 1);
        for (SafetensorsWriter.Dtype dtype : List.of(SafetensorsWriter.Dtype.F16, SafetensorsWriter.Dtype.BF16)) {
            Path dir = tmp.resolve(dtype.name());
            RandomModels.writeHf(dir, config, original, dtype);
            Checkpoint loaded = HfCheckpointLoader.load(dir);
            for (WeightTensor t : original.values()) {
                float[] expected = t.data().clone();
                for (int i = 0; i < expected.length; i++) {
                    expected[i] = dtype == SafetensorsWriter.Dtype.BF16
                            ? Float.intBitsToFloat(Float.floatToRawIntBits(expected[i]) & 0xFFFF0000)
                            : HalfPrecision.toFloat(HalfPrecision.fromFloat(expected[i]));
                }
                assertArrayEquals(expected, loaded.weights().get(t.name()).data(), dtype + " " + t.name());
            }
            // and the engine runs on it
            try (LanguageModel m = new ModelLoader(Device.cpu(), 2).load(dirWithTokenizer(dir))) {
                assertTrue(m.config().vocabSize() == 20);
            }
        }
    }

    @Test
    void draftWithAnotherVocabularyIsRefused() {
        ModelLoader loader = new ModelLoader(Device.cpu(), 66);
        LanguageModel target = loader.load(SharedModels.hf("stories260K"));
        LanguageModel draft = loader.load(SharedModels.hf("babyllama-tok105"));
        CheckpointException e = assertThrows(CheckpointException.class, () -> new SpeculativeDecoder(target, draft, 16));
        assertMessage(e, "babyllama-tok105", "draft vocabulary (105 tokens) differs from the target's (512 tokens");
        target.close();
        draft.close();
    }

    @Test
    void nonFiniteWeightsStopLoadingNamingFileAndTensor() throws IOException {
        Map<String, WeightTensor> weights = RandomModels.weights(config, 1);
        String name = dev.dyspec.core.checkpoint.LlamaTensorNames.layer(0, dev.dyspec.core.checkpoint.LlamaTensorNames.V);
        weights.get(name).data()[3] = Float.NaN;
        Path dir = tmp.resolve("nan");
        RandomModels.writeHf(dir, config, weights, SafetensorsWriter.Dtype.F32);
        // the weights are read when the engine takes them, tensor by tensor
        assertMessage(assertThrows(CheckpointException.class, () -> new dev.dyspec.core.model.CausalLm(
                HfCheckpointLoader.load(dir), ai.djl.Device.cpu(), 64)), "model.safetensors", name, "NaN at index 3");
        Path bin = tmp.resolve("inf.bin");
        weights.get(name).data()[3] = Float.POSITIVE_INFINITY;
        RandomModels.writeLlama2c(bin, config, weights);
        assertMessage(assertThrows(CheckpointException.class, () -> Llama2cCheckpointLoader.load(bin)), "inf.bin",
                "Infinity");
    }

    @Test
    void llama2cFileOfTheWrongSizeIsReported() throws IOException {
        Path bin = tmp.resolve("m.bin");
        RandomModels.writeLlama2c(bin, config, RandomModels.weights(config, 2));
        try (RandomAccessFile raf = new RandomAccessFile(bin.toFile(), "rw")) {
            raf.setLength(raf.length() - 40);
        }
        assertMessage(assertThrows(CheckpointException.class, () -> Llama2cCheckpointLoader.load(bin)),
                "m.bin", "truncated llama2.c checkpoint");
    }

    /** Copies a shared tokenizer (vocab 512 ≥ 20 is refused) — so write a tiny one instead. */
    private Path dirWithTokenizer(Path dir) throws IOException {
        StringBuilder vocab = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            vocab.append(i == 0 ? "" : ",").append("\"t").append(i).append("\":").append(i);
        }
        Files.writeString(dir.resolve("tokenizer.json"), "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,"
                + "\"added_tokens\":[],\"normalizer\":null,\"pre_tokenizer\":{\"type\":\"Whitespace\"},\"post_processor\":null,"
                + "\"decoder\":null,\"model\":{\"type\":\"WordLevel\",\"vocab\":{" + vocab + "},\"unk_token\":\"t0\"}}");
        return dir;
    }
}
