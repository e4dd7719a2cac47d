package dev.dyspec.app.cli;

import ai.djl.ndarray.NDManager;
import dev.dyspec.core.checkpoint.Checkpoint;
import dev.dyspec.core.checkpoint.HfCheckpointLoader;
import dev.dyspec.core.checkpoint.ModelConfig;
import dev.dyspec.core.checkpoint.RandomInit;
import dev.dyspec.core.checkpoint.SafetensorsWriter;
import dev.dyspec.core.decode.GenerationRequest;
import dev.dyspec.core.decode.GenerationResult;
import dev.dyspec.core.decode.SpeculativeDecoder;
import dev.dyspec.core.model.ModelLoader;
import dev.dyspec.core.tokenizer.BpeTrainer;
import dev.dyspec.core.tokenizer.HfTextTokenizer;
import dev.dyspec.core.training.HfModelWriter;
import dev.dyspec.core.training.LlamaTrainer;
import dev.dyspec.core.training.TokenCorpus;
import dev.dyspec.core.training.TrainableLlama;
import dev.dyspec.core.training.TrainingConfig;
import dev.dyspec.api.SamplingParams;
import dev.dyspec.api.StrategyOptions;
import dev.dyspec.strategies.TargetOnlyStrategy;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code ./dyspec train} (a Llama model on text files) and {@code ./dyspec distill --target PATH}
 * (a small draft that matches a target's next-token distributions). Both write a standard Hugging
 * Face directory, checkpoint periodically under {@code OUT/checkpoint} and resume from it.
 */
public final class TrainCommand {

    static final Set<String> VALUED = Set.of("corpus", "out", "tokenizer", "vocab-size", "dim", "layers", "heads",
            "hidden", "context", "config", "steps", "batch", "seq", "lr", "min-lr", "warmup", "weight-decay", "clip",
            "eval-every", "eval-batches", "checkpoint-every", "seed", "dtype", "target", "temperature",
            "sample-from-target", "held-out");
    static final Set<String> FLAGS = Set.of();

    private final PrintStream out;
    private final PrintStream err;
    private final boolean distill;

    public TrainCommand(PrintStream out, PrintStream err, boolean distill) {
        this.out = out;
        this.err = err;
        this.distill = distill;
    }

    public int run(String[] args) throws IOException {
        CliArgs a = CliArgs.parse(args, 1, VALUED, FLAGS);
        List<Path> corpus = a.all("corpus").stream().map(Path::of).toList();
        if (corpus.isEmpty()) {
            throw new CliException("--corpus FILE is required (repeat it for several files)");
        }
        for (Path f : corpus) {
            if (!Files.isRegularFile(f)) {
                throw new CliException("corpus file not found: " + f);
            }
            if (Files.size(f) == 0 || Files.readString(f).isBlank()) {
                throw new CliException("corpus file is empty: " + f);
            }
        }
        Path outDir = Path.of(a.get("out", null) == null ? fail("--out DIR is required") : a.get("out", null));
        Path checkpointDir = outDir.resolve("checkpoint");
        long start = System.nanoTime();

        Path targetPath = distill ? ModelPaths.resolve(a.get("target", null), ModelPaths.defaultTarget(), "target") : null;
        Path tokenizerDir = distill ? targetPath : tokenizerFor(a, corpus, outDir);
        HfTextTokenizer tokenizer = HfTextTokenizer.load(tokenizerDir.resolve("tokenizer.json"));
        ModelConfig targetConfig = distill ? HfCheckpointLoader.readConfig(targetPath.resolve("config.json")) : null;
        ModelConfig config = modelConfig(a, tokenizer.vocabSize(), targetConfig);
        if (distill && config.vocabSize() != targetConfig.vocabSize()) {
            throw new CliException("corpus/tokenizer mismatch: the draft's vocabulary must equal the target's");
        }
        List<Path> files = new ArrayList<>(corpus);
        if (distill && a.has("sample-from-target")) {
            files.add(sampleFromTarget(targetPath, a.getInt("sample-from-target", 0), outDir));
        }
        TokenCorpus tokens = TokenCorpus.load(files, tokenizer, config.bosTokenId(), a.getDouble("held-out", 0.02),
                a.getInt("seq", 256) + 1);
        err.printf(Locale.ROOT, "%s: %,d training and %,d held-out tokens; model %.2fM parameters (dim %d, layers %d, heads %d)%n",
                distill ? "distill" : "train", tokens.trainTokens(), tokens.validationTokens(),
                config.parameterCount() / 1e6, config.hiddenSize(), config.numLayers(), config.numHeads());
        int steps = a.getInt("steps", 1000);
        TrainingConfig training = new TrainingConfig(steps, a.getInt("batch", 16), a.getInt("seq", 256),
                a.getDouble("lr", distill ? 2e-3 : 1e-3), a.getDouble("min-lr", 1e-4), a.getInt("warmup", Math.min(100, steps / 10)),
                a.getDouble("weight-decay", 0.1), a.getDouble("clip", 1.0), a.getInt("eval-every", 100),
                a.getInt("eval-batches", 8), a.getInt("checkpoint-every", 100), a.getLong("seed", 1),
                distill ? (float) a.getDouble("temperature", 1.0) : null);
        Checkpoint init = RandomInit.checkpoint(config, a.getLong("seed", 1));
        TrainingProgressBar bar = new TrainingProgressBar(err);
        LlamaTrainer.Outcome outcome;
        if (distill) {
            try (NDManager manager = NDManager.newBaseManager();
                 TrainableLlama teacher = new TrainableLlama(HfCheckpointLoader.load(targetPath), manager)) {
                outcome = LlamaTrainer.run(init, teacher, tokens, training, checkpointDir, bar);
            }
        } else {
            outcome = LlamaTrainer.run(init, null, tokens, training, checkpointDir, bar);
        }
        bar.finish();
        SafetensorsWriter.Dtype dtype = SafetensorsWriter.Dtype.valueOf(a.get("dtype", "F16").toUpperCase(Locale.ROOT));
        HfModelWriter.write(outDir, HfCheckpointLoader.load(checkpointDir), tokenizerDir, dtype);
        double minutes = (System.nanoTime() - start) / 6e10;
        out.printf(Locale.ROOT, "wrote %s: %d steps this run, validation loss %.4f -> %.4f, %.1f min%n", outDir,
                outcome.stepsRun(), outcome.validation().get(0)[1], outcome.last(), minutes);
        return 0;
    }

    private static String fail(String message) {
        throw new CliException(message);
    }

    private Path tokenizerFor(CliArgs a, List<Path> corpus, Path outDir) throws IOException {
        if (a.has("tokenizer")) {
            Path dir = Path.of(a.get("tokenizer", null));
            if (!Files.isRegularFile(dir.resolve("tokenizer.json"))) {
                throw new CliException("no tokenizer.json in " + dir);
            }
            return dir;
        }
        int vocab = a.getInt("vocab-size", 4096);
        List<String> texts = new ArrayList<>();
        for (Path f : corpus) {
            texts.add(Files.readString(f));
        }
        err.printf("training a byte-level BPE tokenizer with %d tokens ...%n", vocab);
        Path dir = outDir.resolve("tokenizer");
        BpeTrainer.write(BpeTrainer.train(texts, vocab), dir);
        return dir;
    }

    private static ModelConfig modelConfig(CliArgs a, int vocab, ModelConfig target) {
        if (a.has("config")) {
            return HfCheckpointLoader.readConfig(Path.of(a.get("config", null)));
        }
        int dim = a.getInt("dim", target != null ? Math.max(32, target.hiddenSize() / 4) : 256);
        int heads = a.getInt("heads", Math.max(1, dim / 64));
        int hidden = a.getInt("hidden", (int) (Math.round(dim * 8.0 / 3 / 16) * 16));
        int layers = a.getInt("layers", target != null ? 1 : 6);
        int context = a.getInt("context", target != null ? target.maxPositions() : 512);
        int bos = target != null ? target.bosTokenId() : 0;
        int eos = target != null ? target.eosTokenId() : 1;
        int v = target != null ? target.vocabSize() : vocab;
        try {
            return new ModelConfig(dim, hidden, layers, heads, heads, v, 1e-5, 10000, context, true, bos, eos);
        } catch (IllegalArgumentException e) {
            throw new CliException("model shape does not fit: " + e.getMessage());
        }
    }

    /** Text sampled from the target (T = 1), written next to the output, to distill on as well. */
    private Path sampleFromTarget(Path target, int tokens, Path outDir) throws IOException {
        Files.createDirectories(outDir);
        Path file = outDir.resolve("target-samples.txt");
        StringBuilder text = new StringBuilder();
        try (SpeculativeDecoder decoder = new SpeculativeDecoder(new ModelLoader(ai.djl.Device.cpu(), 2).load(target), null, 1)) {
            int produced = 0;
            for (long seed = 1; produced < tokens; seed++) {
                GenerationResult r = decoder.generate(new GenerationRequest(decoder.encodePrompt(""), 256,
                        new SamplingParams(1.0, 1.0, seed), new TargetOnlyStrategy(), StrategyOptions.defaults(), List.of()));
                text.append(r.text()).append("\n\n");
                produced += r.tokens().length;
            }
        }
        Files.writeString(file, text);
        return file;
    }
}
