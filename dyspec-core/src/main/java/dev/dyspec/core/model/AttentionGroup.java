package dev.dyspec.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.dyspec.core.checkpoint.ModelConfig;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sequences of one batched forward whose caches live in the same {@link KvPool}, with what their
 * attention needs, built once per forward and used by every layer. Several sequences attend together
 * in one padded, masked attention: their queries padded to the longest tree, their keys and values
 * gathered from the pool padded to the longest sequence, so the number of tensor operations per layer
 * does not grow with the number of sequences. One sequence alone keeps the unpadded path.
 */
final class AttentionGroup {

    private final TorchKvStorage storage;
    private final List<CausalLm.Rows> members;
    private final NDArray selectRows;  // (Ng) the group's rows among all rows of the forward; null when it has them all
    private final NDArray writeRows;   // (Ng) pool rows the new keys and values go to
    // several sequences
    private final int nmax;            // most new rows of one sequence
    private final int lmax;            // longest sequence, new rows included
    private final NDArray gatherRows;  // (S * lmax) pool rows of every sequence's keys, padded
    private final NDArray queryRows;   // (S * nmax) group rows of every sequence's queries, padded
    private final NDArray outputRows;  // (Ng) rows of the padded output that are real
    private final NDArray mask;        // (S, 1, 1, nmax, lmax) additive; (n, length) for one sequence
    private final int[] rowsInForward; // the group's rows among all rows of the forward

    private AttentionGroup(KvPool pool, List<CausalLm.Rows> members, int[] rowsInForward, boolean allRows,
                           NDManager manager) {
        this.storage = (TorchKvStorage) pool.storage();
        this.members = members;
        this.rowsInForward = rowsInForward;
        int s = members.size();
        int rows = rowsInForward.length;
        this.selectRows = allRows ? null : manager.create(toLong(rowsInForward));
        long[] write = new long[rows];
        int nmax = 0;
        int lmax = 0;
        int at = 0;
        for (CausalLm.Rows r : members) {
            int n = r.tokens().length;
            for (int i = 0; i < n; i++) {
                write[at++] = r.cache().row(r.cache().length() + i);
            }
            nmax = Math.max(nmax, n);
            lmax = Math.max(lmax, r.cache().length() + n);
        }
        this.writeRows = manager.create(write);
        this.nmax = nmax;
        this.lmax = lmax;
        if (s == 1) {
            CausalLm.Rows r = members.get(0);
            int n = r.tokens().length;
            int length = r.cache().length() + n;
            float[] m = new float[n * length];
            fillMask(m, 0, r, n, length);
            this.mask = manager.create(m, new Shape(n, length));
            this.gatherRows = null;
            this.queryRows = null;
            this.outputRows = null;
            return;
        }
        long[] gather = new long[s * lmax];
        long[] query = new long[s * nmax];
        long[] output = new long[rows];
        float[] m = new float[s * nmax * lmax];
        java.util.Arrays.fill(m, CausalLm.MASKED);
        int first = 0;
        int out = 0;
        for (int b = 0; b < s; b++) {
            CausalLm.Rows r = members.get(b);
            int n = r.tokens().length;
            for (int j = 0; j < lmax; j++) {
                gather[b * lmax + j] = r.cache().row(j);
            }
            for (int i = 0; i < nmax; i++) {
                query[b * nmax + i] = first + Math.min(i, n - 1); // padding rows repeat a real one, then are dropped
            }
            for (int i = 0; i < n; i++) {
                output[out++] = (long) b * nmax + i;
            }
            fillMask(m, b * nmax * lmax, r, n, lmax);
            first += n;
        }
        this.gatherRows = manager.create(gather);
        this.queryRows = manager.create(query);
        this.outputRows = manager.create(output);
        this.mask = manager.create(m, new Shape(s, 1, 1, nmax, lmax));
    }

    /**
     * Rows i &lt; n of one sequence at {@code base}, {@code width} columns: the committed prefix visible,
     * scratch and new entries as the sequence's own mask says, columns past its length masked.
     */
    private static void fillMask(float[] m, int base, CausalLm.Rows r, int n, int width) {
        int committed = r.cache().committed();
        int own = r.cache().scratch() + n;
        for (int i = 0; i < n; i++) {
            int row = base + i * width;
            for (int j = 0; j < width; j++) {
                boolean visible = j < committed || (j < committed + own && r.attend()[i][j - committed]);
                m[row + j] = visible ? 0f : CausalLm.MASKED;
            }
        }
    }

    /** The forward's sequences grouped by pool, in order of first appearance. */
    static List<AttentionGroup> of(List<CausalLm.Rows> batch, int[] offset, NDManager manager) {
        Map<KvPool, List<Integer>> byPool = new IdentityHashMap<>();
        List<KvPool> order = new ArrayList<>();
        for (int b = 0; b < batch.size(); b++) {
            KvPool pool = batch.get(b).cache().pool();
            if (!byPool.containsKey(pool)) {
                order.add(pool);
            }
            byPool.computeIfAbsent(pool, p -> new ArrayList<>()).add(b);
        }
        List<AttentionGroup> groups = new ArrayList<>();
        for (KvPool pool : order) {
            pool.flushMoves(); // paths kept since the last forward land before this one reads the pool
            List<CausalLm.Rows> members = new ArrayList<>();
            List<Integer> rows = new ArrayList<>();
            for (int b : byPool.get(pool)) {
                members.add(batch.get(b));
                for (int i = 0; i < batch.get(b).tokens().length; i++) {
                    rows.add(offset[b] + i);
                }
            }
            groups.add(new AttentionGroup(pool, members, rows.stream().mapToInt(Integer::intValue).toArray(),
                    order.size() == 1, manager));
        }
        return groups;
    }

    /** Reorders the groups' concatenated outputs back to the forward's row order. */
    static NDArray inverseOrder(List<AttentionGroup> groups, int total, NDManager manager) {
        long[] position = new long[total];
        int at = 0;
        for (AttentionGroup g : groups) {
            for (int r : g.rowsInForward) {
                position[r] = at++;
            }
        }
        return manager.create(position);
    }

    /**
     * Layer l's attention for this group: stores its new keys and values, then attends.
     *
     * @param q (N, H, hd) rotated queries of all rows of the forward
     * @param k (N, KV, hd) rotated keys
     * @param v (N, KV, hd) values
     * @return (Ng, H * hd), the group's rows in forward order
     */
    NDArray attend(int l, NDArray q, NDArray k, NDArray v, ModelConfig config) {
        int heads = config.numHeads();
        int kvHeads = config.numKvHeads();
        int hd = config.headSize();
        int group = heads / kvHeads;
        NDIndex select = selectRows == null ? null : new NDIndex("{}", selectRows);
        NDArray gq = select == null ? q : q.get(select);
        NDArray gk = select == null ? k : k.get(select);
        NDArray gv = select == null ? v : v.get(select);
        if (members.size() == 1) {
            CausalLm.Rows r = members.get(0);
            int n = r.tokens().length;
            int length = r.cache().length() + n;
            long first = r.cache().row(0);
            storage.write(l, r.cache().row(r.cache().length()), gk, gv);
            NDArray keys = storage.keys(l, first, first + length).transpose(1, 2, 0);             // (KV, hd, L)
            NDArray values = storage.values(l, first, first + length).transpose(1, 0, 2);         // (KV, L, hd)
            NDArray qg = gq.transpose(1, 0, 2).reshape(kvHeads, group * n, hd);                  // heads grouped by their kv head
            NDArray scores = qg.matMul(keys).reshape(kvHeads, group, n, length).addi(mask);
            NDArray probs = scores.softmax(-1).reshape(kvHeads, group * n, length);
            return probs.matMul(values).reshape(heads, n, hd).transpose(1, 0, 2).reshape(n, heads * hd);
        }
        NDIndex write = new NDIndex("{}", writeRows);
        storage.keys[l].set(write, gk);
        storage.values[l].set(write, gv);
        int s = members.size();
        NDIndex gather = new NDIndex("{}", gatherRows);
        NDArray keys = storage.keys[l].get(gather).reshape(s, lmax, kvHeads, hd).transpose(0, 2, 3, 1);   // (S, KV, hd, L)
        NDArray values = storage.values[l].get(gather).reshape(s, lmax, kvHeads, hd).transpose(0, 2, 1, 3); // (S, KV, L, hd)
        NDArray qp = gq.get(new NDIndex("{}", queryRows)).reshape(s, nmax, kvHeads, group, hd)
                .transpose(0, 2, 3, 1, 4).reshape(s, kvHeads, group * nmax, hd);                  // (S, KV, group * nmax, hd)
        NDArray scores = qp.matMul(keys).reshape(s, kvHeads, group, nmax, lmax).addi(mask);
        NDArray probs = scores.softmax(-1).reshape(s, kvHeads, group * nmax, lmax);
        return probs.matMul(values).reshape(s, kvHeads, group, nmax, hd).transpose(0, 3, 1, 2, 4)
                .reshape((long) s * nmax, (long) heads * hd).get(new NDIndex("{}", outputRows));
    }

    private static long[] toLong(int[] xs) {
        long[] out = new long[xs.length];
        for (int i = 0; i < xs.length; i++) {
            out[i] = xs[i];
        }
        return out;
    }
}
