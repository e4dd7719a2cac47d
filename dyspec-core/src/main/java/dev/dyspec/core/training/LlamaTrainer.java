package dev.dyspec.core.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.dyspec.core.checkpoint.Checkpoint;
import dev.dyspec.core.checkpoint.HfCheckpointLoader;
import dev.dyspec.core.checkpoint.SafetensorsFile;
import dev.dyspec.core.checkpoint.SafetensorsWriter;
import dev.dyspec.core.checkpoint.WeightTensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The training loop shared by {@code train} and {@code distill}: AdamW, warm-up + cosine schedule,
 * gradient clipping, held-out validation loss, and periodic checkpoints (weights, optimizer moments,
 * step) that a later run resumes from. Each step's batch is drawn from a random source seeded by the
 * step number, so a resumed run sees exactly the batches the uninterrupted one would have.
 */
public final class LlamaTrainer {

    /** Called after every step; {@code validationLoss} is null except on evaluation steps. */
    public interface Progress {
        void step(int step, int steps, double loss, double tokensPerSecond, Double validationLoss);
    }

    /** Validation losses: {step, loss} at each evaluation. */
    public record Outcome(List<double[]> validation, int stepsRun) {
        public double first() {
            return validation.get(0)[1];
        }

        public double last() {
            return validation.get(validation.size() - 1)[1];
        }
    }

    private LlamaTrainer() {
    }

    /**
     * @param init the starting weights (random init or a checkpoint); ignored when resuming
     * @param teacher the target to distill from, or null for plain training
     * @param checkpointDir where checkpoints go; an existing one is resumed from
     */
    public static Outcome run(Checkpoint init, TrainableLlama teacher, TokenCorpus corpus, TrainingConfig cfg,
                              Path checkpointDir, Progress progress) throws IOException {
        try {
            return NoGrad.call(() -> runWithoutGrad(init, teacher, corpus, cfg, checkpointDir, progress));
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Grad mode is off here; the GradientCollector turns it on around each training forward only. */
    private static Outcome runWithoutGrad(Checkpoint init, TrainableLlama teacher, TokenCorpus corpus, TrainingConfig cfg,
                                          Path checkpointDir, Progress progress) throws IOException {
        if (corpus.maxId() >= init.config().vocabSize()) {
            throw new IllegalArgumentException("corpus/tokenizer mismatch: the corpus holds token id " + corpus.maxId()
                    + " but the model's vocabulary has " + init.config().vocabSize() + " tokens");
        }
        boolean resume = checkpointDir != null && Files.isRegularFile(checkpointDir.resolve("state.json"));
        Checkpoint start = resume ? HfCheckpointLoader.load(checkpointDir) : init;
        try (NDManager manager = NDManager.newBaseManager();
             TrainableLlama model = new TrainableLlama(start, manager)) {
            AdamW adam = new AdamW(model.parameters(), manager, 0.9, 0.95, 1e-8, cfg.weightDecay());
            int firstStep = 0;
            if (resume) {
                firstStep = restore(checkpointDir, adam);
            }
            List<double[]> validation = new ArrayList<>();
            if (firstStep == 0) {
                validation.add(new double[] {0, validationLoss(model, corpus, cfg, manager)});
            }
            int tokensPerStep = cfg.batchSize() * cfg.sequenceLength();
            long started = System.nanoTime();
            for (int step = firstStep; step < cfg.stopAt(); step++) {
                double loss;
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    int[] batch = corpus.sample(new SplittableRandom(cfg.seed() * 1_000_003L + step), cfg.batchSize(),
                            cfg.sequenceLength());
                    NDArray[] io = inputsAndTargets(manager, batch, cfg);
                    NDArray teacherLogits = teacher == null ? null : teacher.forward(io[0]);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray logits = model.forward(io[0]);
                        NDArray l = teacher == null ? TrainableLlama.crossEntropy(logits, io[1])
                                : TrainableLlama.distillation(logits, teacherLogits, cfg.teacherTemperature());
                        gc.backward(l);
                        loss = l.getFloat();
                    }
                    adam.update(model.parameters(), cfg.learningRateAt(step), cfg.gradientClip());
                }
                Double val = null;
                boolean last = step + 1 == cfg.stopAt();
                if ((step + 1) % cfg.evalEvery() == 0 || last) {
                    val = validationLoss(model, corpus, cfg, manager);
                    validation.add(new double[] {step + 1, val});
                }
                if (checkpointDir != null && ((step + 1) % cfg.checkpointEvery() == 0 || last)) {
                    save(checkpointDir, model, adam, step + 1, init);
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                progress.step(step + 1, cfg.steps(), loss, (step + 1 - firstStep) * (double) tokensPerStep / seconds, val);
            }
            return new Outcome(validation, Math.max(0, cfg.stopAt() - firstStep));
        }
    }

    private static NDArray[] inputsAndTargets(NDManager manager, int[] batch, TrainingConfig cfg) {
        long[] ids = new long[batch.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = batch[i];
        }
        NDArray data = TorchOwned.longs(manager, ids, new Shape(cfg.batchSize(), cfg.sequenceLength() + 1));
        return new NDArray[] {data.get(new NDIndex(":, 0:{}", cfg.sequenceLength())), data.get(new NDIndex(":, 1:"))};
    }

    /** Mean next-token cross-entropy over fixed held-out windows. */
    public static double validationLoss(TrainableLlama model, TokenCorpus corpus, TrainingConfig cfg, NDManager manager) {
        double sum = 0;
        for (int i = 0; i < cfg.evalBatches(); i++) {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray[] io = inputsAndTargets(manager, corpus.validationBatch(cfg.batchSize(), cfg.sequenceLength(), i), cfg);
                sum += TrainableLlama.crossEntropy(model.forward(io[0]), io[1]).getFloat();
            }
        }
        return sum / cfg.evalBatches();
    }

    private static void save(Path dir, TrainableLlama model, AdamW adam, int step, Checkpoint init) throws IOException {
        Files.createDirectories(dir);
        HfModelWriter.write(dir, model.snapshot(dir), null, SafetensorsWriter.Dtype.F32);
        List<WeightTensor> moments = new ArrayList<>();
        for (Map.Entry<String, NDArray> e : adam.firstMoments().entrySet()) {
            moments.add(tensor("m." + e.getKey(), e.getValue()));
        }
        for (Map.Entry<String, NDArray> e : adam.secondMoments().entrySet()) {
            moments.add(tensor("v." + e.getKey(), e.getValue()));
        }
        Path tmp = dir.resolve("optimizer.safetensors.tmp");
        SafetensorsWriter.write(tmp, moments, SafetensorsWriter.Dtype.F32);
        Files.move(tmp, dir.resolve("optimizer.safetensors"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        JsonObject state = new JsonObject();
        state.addProperty("step", step);
        Files.writeString(dir.resolve("state.json"), state.toString());
    }

    private static WeightTensor tensor(String name, NDArray a) {
        long[] s = a.getShape().getShape();
        int[] shape = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            shape[i] = (int) s[i];
        }
        return new WeightTensor(name, shape, a.toFloatArray());
    }

    private static int restore(Path dir, AdamW adam) throws IOException {
        int step = JsonParser.parseString(Files.readString(dir.resolve("state.json"))).getAsJsonObject().get("step").getAsInt();
        SafetensorsFile f = SafetensorsFile.open(dir.resolve("optimizer.safetensors"));
        for (Map.Entry<String, NDArray> e : adam.firstMoments().entrySet()) {
            e.getValue().set(f.read("m." + e.getKey()).data());
        }
        for (Map.Entry<String, NDArray> e : adam.secondMoments().entrySet()) {
            e.getValue().set(f.read("v." + e.getKey()).data());
        }
        adam.restore(step);
        return step;
    }
}
