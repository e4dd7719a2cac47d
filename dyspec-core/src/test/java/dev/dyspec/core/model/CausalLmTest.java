package dev.dyspec.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.dyspec.core.checkpoint.Checkpoint;
import dev.dyspec.core.checkpoint.HfCheckpointLoader;
import dev.dyspec.core.checkpoint.Llama2cCheckpointLoader;
import dev.dyspec.core.checkpoint.ModelConfig;
import dev.dyspec.core.checkpoint.SafetensorsWriter;
import dev.dyspec.core.checkpoint.WeightTensor;
import dev.dyspec.core.testing.Logits;
import dev.dyspec.core.testing.RandomModels;
import dev.dyspec.core.testing.ReferenceLlama;
import java.nio.file.Path;
import java.util.Map;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What every forward kernel must do; {@link CausalLmOnJavaTest} and {@link CausalLmOnTorchTest} run it on
 * each.
 */
abstract class CausalLmTest {

    abstract ForwardBackend backend();

    CausalLm lm(Checkpoint checkpoint, int positions) {
        return new CausalLm(checkpoint, Device.cpu(), positions, checkpoint.config().vocabSize(), backend());
    }

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0} kvHeads={1} tied={2}")
    @CsvSource({
        "hf, 4, true", "hf, 2, false", "hf, 1, true",
        "llama2c, 4, false", "llama2c, 2, true", "llama2c, 1, false"})
    void forwardMatchesDoublePrecisionReference(String format, int kvHeads, boolean tied) throws Exception {
        ModelConfig config = RandomModels.config(32, 48, 2, 4, kvHeads, 61, 64, tied);
        Map<String, WeightTensor> weights = RandomModels.weights(config, 7 + kvHeads);
        Checkpoint loaded;
        boolean interleaved = format.equals("llama2c");
        if (interleaved) {
            Path bin = tmp.resolve("model.bin");
            RandomModels.writeLlama2c(bin, config, weights);
            loaded = Llama2cCheckpointLoader.load(bin);
        } else {
            RandomModels.writeHf(tmp, config, weights, SafetensorsWriter.Dtype.F32);
            loaded = HfCheckpointLoader.load(tmp);
        }
        int[] tokens = {1, 5, 9, 60, 33, 2, 17, 17, 40, 12};
        double[][] expected = new ReferenceLlama(config, weights, interleaved).logits(tokens);
        try (CausalLm lm = lm(loaded, 64); KvCache cache = lm.newCache(64)) {
            float[][] actual = lm.forwardChain(cache, tokens, true);
            for (int t = 0; t < tokens.length; t++) {
                double diff = Logits.maxRelativeDifference(actual[t], expected[t]);
                assertTrue(diff <= 1e-4, "position " + t + " relative difference " + diff);
            }
        }
    }

    @Test
    void tokenByTokenDecodingMatchesReference() {
        ModelConfig config = RandomModels.config(32, 48, 2, 4, 2, 61, 64, true);
        Checkpoint checkpoint = RandomModels.checkpoint(config, 3);
        int[] tokens = {1, 8, 30, 22, 4, 50};
        double[][] expected = new ReferenceLlama(config, checkpoint.weights(), false).logits(tokens);
        try (CausalLm lm = lm(checkpoint, 64); KvCache cache = lm.newCache(64)) {
            for (int t = 0; t < tokens.length; t++) {
                float[][] row = lm.forwardChain(cache, new int[] {tokens[t]}, true);
                cache.keep(new int[] {0});
                assertTrue(Logits.maxRelativeDifference(row[0], expected[t]) <= 1e-4, "position " + t);
            }
        }
    }

    @Test
    void treeForwardEqualsSequentialDecodingOfEachPath() {
        ModelConfig config = RandomModels.config(32, 48, 2, 4, 2, 61, 128, false);
        Checkpoint checkpoint = RandomModels.checkpoint(config, 11);
        Random random = new Random(5);
        try (CausalLm lm = lm(checkpoint, 128)) {
            for (int trial = 0; trial < 5; trial++) {
                int[] context = random.ints(3 + trial, 0, 61).toArray();
                RandomTree tree = RandomTree.generate(random, 1 + random.nextInt(15), 61);
                float[][] treeLogits;
                try (KvCache cache = lm.newCache(128)) {
                    lm.prefill(cache, context);
                    treeLogits = lm.forward(cache, tree.tokens, tree.positions(context.length), tree.mask(), true);
                }
                for (int node = 0; node < tree.size(); node++) {
                    int[] path = tree.pathTokens(node);
                    try (KvCache fresh = lm.newCache(128)) {
                        float[][] seq = lm.forwardChain(fresh, concat(context, path), true);
                        double diff = Logits.maxRelativeDifference(treeLogits[node], seq[seq.length - 1]);
                        assertTrue(diff <= 1e-4, "trial " + trial + " node " + node + " difference " + diff);
                    }
                }
            }
        }
    }

    /** Several sequences' trees in one forward score exactly as each does alone, and their caches stay apart. */
    /**
     * Sequences with caches of their own take the per-pool path; sequences sharing a pool attend together
     * in one padded attention; a mix takes both. Every way equals each sequence alone.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"own caches", "one pool", "mixed"})
    void aBatchedForwardEqualsEachSequenceAlone(String caches) {
        ModelConfig config = RandomModels.config(32, 48, 2, 4, 2, 61, 128, false);
        Checkpoint checkpoint = RandomModels.checkpoint(config, 17);
        Random random = new Random(21);
        try (CausalLm lm = lm(checkpoint, 128); KvPool pool = lm.newPool(5, 128)) {
            int sequences = 4;
            List<int[]> contexts = new java.util.ArrayList<>();
            List<RandomTree> trees = new java.util.ArrayList<>();
            List<KvCache> batchCaches = new java.util.ArrayList<>();
            List<CausalLm.Rows> rows = new java.util.ArrayList<>();
            for (int b = 0; b < sequences; b++) {
                int[] context = random.ints(2 + 3 * b, 0, 61).toArray();
                RandomTree tree = RandomTree.generate(random, 1 + random.nextInt(12), 61);
                boolean pooled = caches.equals("one pool") || (caches.equals("mixed") && b % 2 == 0);
                KvCache cache = pooled ? pool.acquire() : lm.newCache(128);
                lm.prefill(cache, context);
                contexts.add(context);
                trees.add(tree);
                batchCaches.add(cache);
                rows.add(new CausalLm.Rows(cache, tree.tokens, tree.positions(context.length), tree.mask()));
            }
            List<float[][]> batched = lm.forward(rows, true);
            for (int b = 0; b < sequences; b++) {
                RandomTree tree = trees.get(b);
                try (KvCache alone = lm.newCache(128)) {
                    lm.prefill(alone, contexts.get(b));
                    float[][] single = lm.forward(alone, tree.tokens, tree.positions(contexts.get(b).length), tree.mask(), true);
                    for (int node = 0; node < tree.size(); node++) {
                        double diff = Logits.maxRelativeDifference(batched.get(b)[node], single[node]);
                        assertTrue(diff <= 1e-4, "sequence " + b + " node " + node + " difference " + diff);
                    }
                }
                // each cache received its own sequence's rows: continuing from it equals a fresh run
                int leaf = tree.size() - 1;
                KvCache cache = batchCaches.get(b);
                cache.keep(tree.pathNodes(leaf));
                float[][] next = lm.forwardChain(cache, new int[] {7}, true);
                try (KvCache fresh = lm.newCache(128)) {
                    float[][] expected = lm.forwardChain(fresh, concat(concat(contexts.get(b), tree.pathTokens(leaf)),
                            new int[] {7}), true);
                    assertTrue(Logits.maxRelativeDifference(next[0], expected[expected.length - 1]) <= 1e-4,
                            "sequence " + b + " continues from its own cache");
                }
                cache.close();
            }
        }
    }

    @Test
    void keepingTheAcceptedPathMatchesAFreshRunOverTheAcceptedText() {
        ModelConfig config = RandomModels.config(32, 48, 2, 4, 2, 61, 128, true);
        Checkpoint checkpoint = RandomModels.checkpoint(config, 13);
        Random random = new Random(9);
        try (CausalLm lm = lm(checkpoint, 128)) {
            for (int trial = 0; trial < 5; trial++) {
                int[] context = random.ints(4, 0, 61).toArray();
                RandomTree tree = RandomTree.generate(random, 12, 61);
                int leaf = tree.size() - 1 - random.nextInt(3);
                int[] pathNodes = tree.pathNodes(leaf);
                int[] continuation = random.ints(3, 0, 61).toArray();
                try (KvCache cache = lm.newCache(128); KvCache fresh = lm.newCache(128)) {
                    lm.prefill(cache, context);
                    lm.forward(cache, tree.tokens, tree.positions(context.length), tree.mask(), false);
                    cache.keep(pathNodes);
                    assertEquals(context.length + pathNodes.length, cache.committed());
                    float[][] continued = lm.forwardChain(cache, continuation, true);
                    float[][] expected = lm.forwardChain(fresh, concat(concat(context, tree.pathTokens(leaf)), continuation), true);
                    for (int i = 0; i < continuation.length; i++) {
                        double diff = Logits.maxRelativeDifference(continued[i], expected[expected.length - continuation.length + i]);
                        assertTrue(diff <= 1e-4, "trial " + trial + " token " + i + " difference " + diff);
                    }
                }
            }
        }
    }

    static int[] concat(int[] a, int[] b) {
        int[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** A random tree in depth-first order: root at 0, each node's parent before it. */
    record RandomTree(int[] parent, int[] tokens, int[] depth) {

        static RandomTree generate(Random random, int size, int vocab) {
            int[] parent = new int[size];
            int[] depth = new int[size];
            int[] tokens = random.ints(size, 0, vocab).toArray();
            parent[0] = -1;
            // Depth-first numbering: each new node hangs below some node on the current rightmost path.
            int[] stack = new int[size];
            int top = 0;
            stack[top++] = 0;
            for (int i = 1; i < size; i++) {
                top = 1 + random.nextInt(top);
                parent[i] = stack[top - 1];
                depth[i] = depth[parent[i]] + 1;
                stack[top++] = i;
            }
            return new RandomTree(parent, tokens, depth);
        }

        int size() {
            return tokens.length;
        }

        int[] positions(int contextLength) {
            int[] p = new int[size()];
            for (int i = 0; i < p.length; i++) {
                p[i] = contextLength + depth[i];
            }
            return p;
        }

        boolean[][] mask() {
            boolean[][] m = new boolean[size()][size()];
            for (int i = 0; i < size(); i++) {
                for (int a = i; a >= 0; a = parent[a]) {
                    m[i][a] = true;
                }
            }
            return m;
        }

        int[] pathNodes(int node) {
            int[] path = new int[depth[node] + 1];
            for (int n = node, i = path.length - 1; n >= 0; n = parent[n], i--) {
                path[i] = n;
            }
            return path;
        }

        int[] pathTokens(int node) {
            int[] nodes = pathNodes(node);
            int[] t = new int[nodes.length];
            for (int i = 0; i < t.length; i++) {
                t[i] = tokens[nodes[i]];
            }
            return t;
        }
    }

    @Test
    void aPoolHandsOutEachSlotOnceAndTakesItBackOnClose() {
        ModelConfig config = RandomModels.config(32, 48, 2, 4, 2, 61, 128, false);
        try (CausalLm lm = lm(RandomModels.checkpoint(config, 3), 128);
             KvPool pool = lm.newPool(2, 64)) {
            KvCache a = pool.acquire();
            KvCache b = pool.acquire();
            assertEquals(0, pool.freeSlots());
            org.junit.jupiter.api.Assertions.assertThrows(KvPool.KvPoolExhaustedException.class, pool::acquire);
            a.close();
            a.close(); // twice is harmless, and does not free the slot twice
            assertEquals(1, pool.freeSlots());
            KvCache c = pool.acquire();
            lm.prefill(c, new int[] {1, 2, 3});
            assertEquals(3, c.committed());
            b.close();
            c.close();
            assertEquals(2, pool.freeSlots());
        }
    }
}
