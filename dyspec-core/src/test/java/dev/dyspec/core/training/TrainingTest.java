package dev.dyspec.core.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.dyspec.core.checkpoint.Checkpoint;
import dev.dyspec.core.checkpoint.HfCheckpointLoader;
import dev.dyspec.core.checkpoint.ModelConfig;
import dev.dyspec.core.checkpoint.RandomInit;
import dev.dyspec.core.checkpoint.WeightTensor;
import dev.dyspec.core.testing.SharedModels;
import dev.dyspec.core.tokenizer.BpeTrainer;
import dev.dyspec.core.tokenizer.HfTextTokenizer;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tiny training and distillation runs on a slice of the shipped target's held-out text. */
class TrainingTest {

    @TempDir
    static Path dir;

    static Path corpusFile;
    static HfTextTokenizer tokenizer;
    static TokenCorpus corpus;

    @BeforeAll
    static void corpus() throws Exception {
        String text = Files.readString(SharedModels.shippedCorpus()).substring(90_000, 210_000);
        corpusFile = dir.resolve("corpus.txt");
        Files.writeString(corpusFile, text);
        BpeTrainer.write(BpeTrainer.train(List.of(text), 320), dir.resolve("tok"));
        tokenizer = HfTextTokenizer.load(dir.resolve("tok/tokenizer.json"));
        corpus = TokenCorpus.load(List.of(corpusFile), tokenizer, 0, 0.1, 64);
    }

    static ModelConfig config(int dim, int layers) {
        return new ModelConfig(dim, dim * 2, layers, 2, 2, 320, 1e-5, 10000, 64, true, 0, 1);
    }

    static TrainingConfig training(int steps, Float teacherTemperature) {
        return new TrainingConfig(steps, 8, 32, 3e-3, 3e-4, 5, 0.01, 1.0, 20, 4, 10, 11, teacherTemperature);
    }

    @Test
    void trainingLowersValidationLoss() throws Exception {
        LlamaTrainer.Outcome out = LlamaTrainer.run(RandomInit.checkpoint(config(32, 2), 1), null, corpus,
                training(60, null), null, (s, n, loss, tps, val) -> { });
        assertTrue(out.last() < out.first() - 0.5, "validation loss " + out.first() + " -> " + out.last());
    }

    @Test
    void checkpointsReloadBitExactlyAndResumeToTheSameWeights() throws Exception {
        Checkpoint init = RandomInit.checkpoint(config(16, 1), 2);
        Path straight = train(init, null, training(20, null), "straight");
        Path resumed = train(init, null, training(20, null).withSteps(10), "resumed");
        Checkpoint half = HfCheckpointLoader.load(resumed);
        try (NDManager m = NDManager.newBaseManager(); TrainableLlama reloaded = new TrainableLlama(half, m)) {
            // what was written is what the model held: a reload snapshot is identical
            for (WeightTensor t : reloaded.snapshot(resumed).weights().values()) {
                assertArrayEquals(half.weights().get(t.name()).data(), t.data(), 0f);
            }
        }
        LlamaTrainer.Outcome rest = LlamaTrainer.run(init, null, corpus, training(20, null), resumed, (s, n, l, t, v) -> { });
        assertEquals(10, rest.stepsRun());
        assertSameWeights(straight, resumed);
    }

    /**
     * Autograd keeps the tensors it saves for backward past the Java objects DJL wraps them in; training must not
     * read memory the garbage collector has handed back. A thread that frees direct buffers, refills new ones with
     * junk and asks for collections beside a run made that run part from a quiet one from its second step
     * (the scalars of attention's scale, RMS norm's power and distillation's temperature were in such buffers).
     */
    @Test
    void trainingAndDistillationDoNotDependOnWhenTheGarbageCollectorRuns() throws Exception {
        Checkpoint init = RandomInit.checkpoint(config(16, 1), 5);
        try (NDManager m = NDManager.newBaseManager();
             TrainableLlama teacher = new TrainableLlama(RandomInit.checkpoint(config(16, 1), 6), m)) {
            Path quiet = train(init, null, training(12, null), "quiet");
            Path quietDistilled = train(init, teacher, training(30, 2.0f), "quiet-distilled");
            AtomicBoolean storming = new AtomicBoolean(true);
            Thread storm = new Thread(() -> {
                List<ByteBuffer> junk = new ArrayList<>();
                while (storming.get()) {
                    for (int i = 0; i < 200; i++) {
                        ByteBuffer b = ByteBuffer.allocateDirect(64 + (i * 97) % 30_000);
                        while (b.hasRemaining()) {
                            b.put((byte) 0x7f);
                        }
                        junk.add(b);
                    }
                    junk.clear();
                    System.gc();
                    LockSupport.parkNanos(500_000);
                }
            }, "gc-storm");
            storm.setDaemon(true);
            storm.start();
            Path stormy;
            Path stormyDistilled;
            try {
                stormy = train(init, null, training(12, null), "stormy");
                stormyDistilled = train(init, teacher, training(30, 2.0f), "stormy-distilled");
            } finally {
                storming.set(false);
                storm.join();
            }
            assertSameWeights(quiet, stormy);
            assertSameWeights(quietDistilled, stormyDistilled);
        }
    }

    private static Path train(Checkpoint init, TrainableLlama teacher, TrainingConfig cfg, String name) throws Exception {
        Path out = dir.resolve(name);
        LlamaTrainer.run(init, teacher, corpus, cfg, out, (s, n, l, t, v) -> { });
        return out;
    }

    private static void assertSameWeights(Path expected, Path actual) {
        Checkpoint a = HfCheckpointLoader.load(expected);
        Checkpoint b = HfCheckpointLoader.load(actual);
        for (String name : a.weights().keySet()) {
            assertArrayEquals(a.weights().get(name).data(), b.weights().get(name).data(), 1e-6f, name);
        }
    }

    /**
     * Measured by Σ min(p, q), the chance speculative sampling accepts a draft token: a teacher this
     * briefly trained is nearly context-free, so its greedy choice ties with the runner-up and greedy
     * agreement flips on noise, while the overlap of the distributions is what distillation optimises.
     */
    @Test
    void distillationRaisesExpectedAcceptanceAgainstTheTeacher() throws Exception {
        Path teacherDir = dir.resolve("teacher");
        LlamaTrainer.run(RandomInit.checkpoint(config(32, 2), 3), null, corpus, training(60, null), teacherDir,
                (s, n, l, t, v) -> { });
        try (NDManager m = NDManager.newBaseManager();
             TrainableLlama teacher = new TrainableLlama(HfCheckpointLoader.load(teacherDir), m)) {
            Checkpoint draftInit = RandomInit.checkpoint(config(16, 1), 4);
            PairEvaluation.Result before;
            try (TrainableLlama d = new TrainableLlama(draftInit, m)) {
                before = PairEvaluation.evaluate(teacher, d, corpus, 4, 32);
            }
            Path draftDir = dir.resolve("draft");
            LlamaTrainer.run(draftInit, teacher, corpus, training(60, 1.0f), draftDir, (s, n, l, t, v) -> { });
            try (TrainableLlama d = new TrainableLlama(HfCheckpointLoader.load(draftDir), m)) {
                PairEvaluation.Result after = PairEvaluation.evaluate(teacher, d, corpus, 4, 32);
                assertTrue(after.expectedAcceptance() > before.expectedAcceptance() + 0.1,
                        "expected acceptance " + before.expectedAcceptance() + " -> " + after.expectedAcceptance()
                        + " (greedy agreement " + before.greedyAgreement() + " -> " + after.greedyAgreement() + ")");
            }
        }
    }

    @Test
    void badCorporaAreRefused() throws Exception {
        Path empty = dir.resolve("empty.txt");
        Files.writeString(empty, "  \n");
        var e = assertThrows(IllegalArgumentException.class, () -> TokenCorpus.load(List.of(empty), tokenizer, 0, 0.1, 64));
        assertTrue(e.getMessage().contains("empty"));
        var missing = assertThrows(IllegalArgumentException.class,
                () -> TokenCorpus.load(List.of(dir.resolve("nope.txt")), tokenizer, 0, 0.1, 64));
        assertTrue(missing.getMessage().contains("not found"));
        ModelConfig small = new ModelConfig(16, 32, 1, 2, 2, 100, 1e-5, 10000, 64, true, 0, 1);
        var mismatch = assertThrows(IllegalArgumentException.class, () -> LlamaTrainer.run(
                RandomInit.checkpoint(small, 1), null, corpus, training(2, null), null, (s, n, l, t, v) -> { }));
        assertTrue(mismatch.getMessage().contains("corpus/tokenizer mismatch"));
    }
}
