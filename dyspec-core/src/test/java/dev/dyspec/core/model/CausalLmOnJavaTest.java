package dev.dyspec.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.dyspec.core.checkpoint.Checkpoint;
import dev.dyspec.core.checkpoint.ModelConfig;
import dev.dyspec.core.testing.Logits;
import dev.dyspec.core.testing.RandomModels;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The forward contract on the Java kernel, and what it promises beyond it. */
class CausalLmOnJavaTest extends CausalLmTest {

    @Override
    ForwardBackend backend() {
        return ForwardBackend.JAVA;
    }

    /** The engine's T = 0 output must not depend on which requests share a step: equal bits, not just close. */
    @Test
    void aSequenceScoresBitForBitTheSameAloneAndBatched() {
        ModelConfig config = RandomModels.config(64, 96, 2, 4, 2, 83, 128, false);
        Checkpoint checkpoint = RandomModels.checkpoint(config, 29);
        Random random = new Random(3);
        try (CausalLm lm = lm(checkpoint, 128); KvPool pool = lm.newPool(4, 128)) {
            List<int[]> contexts = new ArrayList<>();
            List<RandomTree> trees = new ArrayList<>();
            List<CausalLm.Rows> rows = new ArrayList<>();
            for (int b = 0; b < 4; b++) {
                int[] context = random.ints(3 + 5 * b, 0, 83).toArray();
                RandomTree tree = RandomTree.generate(random, 1 + random.nextInt(15), 83);
                KvCache cache = pool.acquire();
                lm.prefill(cache, context);
                contexts.add(context);
                trees.add(tree);
                rows.add(new CausalLm.Rows(cache, tree.tokens(), tree.positions(context.length), tree.mask()));
            }
            List<float[][]> batched = lm.forward(rows, true);
            for (int b = 0; b < 4; b++) {
                try (KvCache alone = lm.newCache(128)) {
                    lm.prefill(alone, contexts.get(b));
                    RandomTree tree = trees.get(b);
                    float[][] single = lm.forward(alone, tree.tokens(), tree.positions(contexts.get(b).length), tree.mask(), true);
                    for (int node = 0; node < tree.size(); node++) {
                        assertArrayEquals(single[node], batched.get(b)[node], "sequence " + b + " node " + node);
                    }
                }
            }
        }
    }

    /** Sharing a forward's products and attention between threads changes who computes a value, never its bits. */
    @Test
    void aBatchScoresBitForBitTheSameOnOneThreadAndOnSeveral() {
        ModelConfig config = RandomModels.config(128, 256, 2, 4, 2, 97, 128, false);
        Checkpoint checkpoint = RandomModels.checkpoint(config, 31);
        List<List<float[][]>> byThreads = new ArrayList<>();
        for (int threads : new int[] {1, 3}) {
            Random random = new Random(5);
            try (CausalLm lm = new CausalLm(checkpoint, Device.cpu(), 128, 97, ForwardBackend.JAVA, threads);
                 KvPool pool = lm.newPool(5, 128)) {
                List<CausalLm.Rows> rows = new ArrayList<>();
                for (int b = 0; b < 5; b++) {
                    int[] context = random.ints(4 + 7 * b, 0, 97).toArray();
                    RandomTree tree = RandomTree.generate(random, 1 + random.nextInt(15), 97);
                    KvCache cache = pool.acquire();
                    lm.prefill(cache, context);
                    rows.add(new CausalLm.Rows(cache, tree.tokens(), tree.positions(context.length), tree.mask()));
                }
                byThreads.add(lm.forward(rows, true));
            }
        }
        for (int b = 0; b < 5; b++) {
            float[][] one = byThreads.get(0).get(b);
            for (int node = 0; node < one.length; node++) {
                assertArrayEquals(one[node], byThreads.get(1).get(b)[node], "sequence " + b + " node " + node);
            }
        }
    }

    @Test
    void bothKernelsScoreTheSameTree() {
        ModelConfig config = RandomModels.config(48, 80, 3, 6, 3, 101, 96, true);
        Checkpoint checkpoint = RandomModels.checkpoint(config, 41);
        Random random = new Random(8);
        int[] context = random.ints(20, 0, 101).toArray();
        RandomTree tree = RandomTree.generate(random, 12, 101);
        float[][][] logits = new float[2][][];
        for (ForwardBackend backend : ForwardBackend.values()) {
            try (CausalLm lm = new CausalLm(checkpoint, Device.cpu(), 96, 101, backend); KvCache cache = lm.newCache(96)) {
                lm.prefill(cache, context);
                logits[backend.ordinal()] = lm.forward(cache, tree.tokens(), tree.positions(context.length), tree.mask(), true);
            }
        }
        for (int node = 0; node < tree.size(); node++) {
            double diff = Logits.maxRelativeDifference(logits[0][node], logits[1][node]);
            assertTrue(diff <= 1e-4, "node " + node + " relative difference " + diff);
        }
    }
}
