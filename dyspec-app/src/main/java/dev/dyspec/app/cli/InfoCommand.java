package dev.dyspec.app.cli;

import dev.dyspec.core.checkpoint.HfCheckpointLoader;
import dev.dyspec.core.checkpoint.ModelConfig;
import dev.dyspec.core.model.ModelLoader;
import dev.dyspec.core.model.PromptTemplate;
import dev.dyspec.core.tokenizer.HfTextTokenizer;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * {@code ./dyspec info --model PATH}: a Hugging Face directory's family, size, dtypes, context, tokenizer
 * and the memory the engine will need — read from headers, without loading the weights.
 */
public final class InfoCommand {

    static final Set<String> VALUED = Set.of("model");
    static final Set<String> FLAGS = Set.of();

    private final PrintStream out;

    public InfoCommand(PrintStream out) {
        this.out = out;
    }

    public int run(String[] args) {
        CliArgs a = CliArgs.parse(args, 1, VALUED, FLAGS);
        Path model = ModelPaths.resolve(a.get("model", null), ModelPaths.defaultTarget(), "model");
        if (!Files.isDirectory(model)) {
            throw new CliException("info reads Hugging Face directories; " + model + " is not one");
        }
        HfCheckpointLoader.Summary s = HfCheckpointLoader.describe(model);
        ModelConfig c = s.config();
        long parameters = s.parametersByDtype().values().stream().mapToLong(Long::longValue).sum();
        out.printf(Locale.ROOT, "model       %s%n", model);
        out.printf(Locale.ROOT, "family      %s (rope %s%s)%n", s.family(), c.architecture().rope().type(),
                c.architecture().slidingWindow() > 0 ? ", sliding window " + c.architecture().slidingWindow() : "");
        out.printf(Locale.ROOT, "shape       %d layers, hidden %d, heads %d/%d of %d, mlp %d, vocab %d%n", c.numLayers(),
                c.hiddenSize(), c.numHeads(), c.numKvHeads(), c.headSize(), c.intermediateSize(), c.vocabSize());
        out.printf(Locale.ROOT, "parameters  %.1fM stored as %s%n", parameters / 1e6, s.parametersByDtype());
        out.printf(Locale.ROOT, "context     %d tokens%n", c.maxPositions());
        Path tokenizer = model.resolve("tokenizer.json");
        if (Files.isRegularFile(tokenizer)) {
            try (HfTextTokenizer t = HfTextTokenizer.load(tokenizer)) {
                out.printf(Locale.ROOT, "tokenizer   %d tokens%s%n", t.vocabSize(), t.vocabSize() < c.vocabSize()
                        ? " (" + (c.vocabSize() - t.vocabSize()) + " padding rows never scored)" : "");
            }
        }
        PromptTemplate chat = ModelLoader.readChatTemplate(model.resolve("tokenizer_config.json"));
        out.printf(Locale.ROOT, "chat        %s%n", chat.present() ? "own template" : "plain 'role: content' lines");
        long kvPerSequence = 2L * c.numLayers() * c.kvDim() * c.maxPositions() * 4;
        boolean half = s.parametersByDtype().keySet().stream().allMatch(d -> d.equals("F16") || d.equals("BF16"));
        out.printf(Locale.ROOT, "memory      %s of weights on the Java kernel (%s), %s on the torch kernel (F32)"
                        + " + %s of KV cache per sequence at full context%n",
                bytes(weightBytes(c, parameters, half ? 2 : 4)), half ? "kept as " + s.parametersByDtype().keySet()
                        .iterator().next() + ", embedding table F32" : "F32", bytes(weightBytes(c, parameters, 4)),
                bytes(kvPerSequence));
        return 0;
    }

    /**
     * What the engine holds: the embedding table as F32 (rows are copied out per token), every other weight
     * at {@code width} bytes, and with tied embeddings the output head as a second, transposed copy.
     */
    private static long weightBytes(ModelConfig c, long parameters, int width) {
        long embedding = (long) c.vocabSize() * c.hiddenSize();
        return embedding * 4 + (parameters - embedding) * width + (c.tiedEmbeddings() ? embedding * width : 0);
    }

    private static String bytes(long b) {
        return b >= 1L << 30 ? String.format(Locale.ROOT, "%.1f GiB", b / (double) (1L << 30))
                : String.format(Locale.ROOT, "%.1f MiB", b / (double) (1L << 20));
    }
}
