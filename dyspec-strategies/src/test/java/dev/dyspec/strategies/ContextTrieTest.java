package dev.dyspec.strategies;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dyspec.api.ContextNgrams;
import dev.dyspec.api.DraftHandle;
import dev.dyspec.api.TreeBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ContextTrieTest {

    /** An eager trie, built the plain way: one continuation after another, counting the nodes it passes. */
    private static final class Reference {
        int count;
        final Map<Integer, Reference> children = new LinkedHashMap<>();
    }

    /** Children are built when first asked for; the trie must be the one built eagerly, node for node. */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(ints = {1, 2, 3, 4, 5})
    void theLazyTrieIsTheEagerOne(int seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int vocab = 5;
        int[] pattern = {0, 1, 2, 3, 4, 1, 2};
        ContextNgrams context = new ContextNgrams(4);
        for (int i = 0; i < 400; i++) { // a pattern that recurs with mutations: the trie branches and runs deep
            int token = random.nextInt(5) == 0 ? random.nextInt(vocab) : pattern[i % pattern.length];
            context.append(random.nextInt(50) == 0 ? vocab + 1 : token); // now and then one out of range
        }
        for (int i = 0; i < 4; i++) { // the suffix: the pattern itself, seen many times before
            context.append(pattern[i]);
        }
        DraftHandle draft = new DraftHandle() {
            @Override
            public float[][] expand(TreeBuilder tree, int[] nodes) {
                throw new UnsupportedOperationException();
            }

            @Override
            public int vocabSize() {
                return vocab;
            }

            @Override
            public ContextNgrams context() {
                return context;
            }
        };
        Reference root = new Reference();
        for (ContextNgrams.Continuation c : context.continuations(ContextTrie.MAX_OCCURRENCES, 8)) {
            root.count++;
            Reference node = root;
            for (int t : c.tokens()) {
                if (t < 0 || t >= vocab) {
                    break;
                }
                node = node.children.computeIfAbsent(t, k -> new Reference());
                node.count++;
            }
        }
        org.junit.jupiter.api.Assertions.assertTrue(root.count >= 2, "several occurrences found: " + root.count);
        assertSame(root, ContextTrie.of(draft, 8), "root");
    }

    private static void assertSame(Reference expected, ContextTrie actual, String path) {
        assertEquals(expected.count, actual.count(), path + " count");
        List<Integer> tokens = new ArrayList<>(expected.children.keySet());
        List<ContextTrie> children = actual.children();
        assertEquals(tokens.size(), children.size(), path + " children");
        for (int i = 0; i < tokens.size(); i++) {
            ContextTrie child = children.get(i);
            assertEquals(tokens.get(i), child.token, path + " child " + i);
            assertEquals(i, child.order, path + " order");
            assertEquals(actual.depth + 1, child.depth, path + " depth");
            assertSame(expected.children.get(tokens.get(i)), child, path + "/" + child.token);
        }
    }
}
