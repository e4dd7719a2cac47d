package dev.dyspec.core.model;

import dev.dyspec.core.checkpoint.ModelConfig;
import java.util.List;

/**
 * The forward in plain Java over the JDK's vector API, for CPUs: a small model's forward through
 * libtorch pays a JNI call and a dispatch for each of ≈ 50 tensor operations per layer, more than the
 * arithmetic; here the whole layer is a handful of loops over Java arrays, and the products
 * ({@link VectorMath}) use the CPU's SIMD registers. Follows {@link TorchKernel} step for step (same
 * prepared weights), so both agree within float rounding.
 */
final class JavaKernel implements ForwardKernel {

    private final ModelConfig config;
    private final PreparedWeights w;
    private final RotaryTable rotary;
    private final ForwardThreads threads;
    private final long layerMultiplyAdds; // per row, all layers

    /** @param threads threads a forward's products may use, the caller's included */
    JavaKernel(PreparedWeights weights, RotaryTable rotary, int threads) {
        this.config = weights.config;
        this.w = weights;
        this.rotary = rotary;
        this.threads = new ForwardThreads(threads, "forward");
        int d = config.hiddenSize();
        this.layerMultiplyAdds = (long) config.numLayers()
                * ((long) d * weights.qkvWidth() + (long) config.qDim() * d + 3L * d * config.intermediateSize());
    }

    @Override
    public KvStorage newStorage(int slots, int capacity) {
        return new HeapKvStorage(config.numLayers(), config.kvDim(), slots, capacity);
    }

    @Override
    public float[] run(List<CausalLm.Rows> batch, int[] offset, int total, int[] headRows) {
        boolean held = threads.begin(total, total * layerMultiplyAdds + (long) headRows.length * config.hiddenSize() * w.scoredVocab);
        try {
            return run(batch, offset, total, headRows, held);
        } finally {
            threads.end(held);
        }
    }

    private float[] run(List<CausalLm.Rows> batch, int[] offset, int total, int[] headRows, boolean held) {
        int d = config.hiddenSize();
        int hidden = config.intermediateSize();
        int qkvWidth = w.qkvWidth();
        float[] x = new float[total * d];         // (N, dim) the residual stream
        float[] h = new float[total * d];         // (N, dim) normalized
        float[] qkv = new float[total * qkvWidth]; // (N, (H + 2 KV) * hd)
        float[] attn = new float[total * config.qDim()];
        float[] sum = new float[total * d];       // (N, dim) a block's output
        float[] gateUp = new float[total * 2 * hidden];
        float[] act = new float[total * hidden];
        int[] positions = new int[total];
        for (int b = 0; b < batch.size(); b++) {
            CausalLm.Rows r = batch.get(b);
            for (int i = 0; i < r.tokens().length; i++) {
                System.arraycopy(w.embed, r.tokens()[i] * d, x, (offset[b] + i) * d, d);
            }
            System.arraycopy(r.positions(), 0, positions, offset[b], r.tokens().length);
        }
        HeapKvStorage[] storage = new HeapKvStorage[batch.size()];
        for (int b = 0; b < batch.size(); b++) {
            KvPool pool = batch.get(b).cache().pool();
            pool.flushMoves();
            storage[b] = (HeapKvStorage) pool.storage();
        }
        for (int l = 0; l < config.numLayers(); l++) {
            rmsNormalized(x, h, total, d, w.attnNorm[l]);
            threads.matmul(held, h, total, w.wqkv[l], qkv);
            addBias(qkv, total, w.bqkv == null ? null : w.bqkv[l]);
            rotateQueriesAndKeys(qkv, total, positions, l);
            for (int b = 0; b < batch.size(); b++) { // each sequence has its own slot: one's store cannot reach another's attention
                store(batch.get(b), offset[b], qkv, storage[b], l);
            }
            int layer = l;
            int heads = config.numHeads();
            threads.forEach(held, batch.size() * heads, p -> attend(batch.get(p / heads), offset[p / heads], p % heads,
                    qkv, storage[p / heads], layer, attn));
            threads.matmul(held, attn, total, w.wo[l], sum);
            addBias(sum, total, w.bo == null ? null : w.bo[l]);
            add(x, sum);
            rmsNormalized(x, h, total, d, w.ffnNorm[l]);
            threads.matmul(held, h, total, w.wGateUp[l], gateUp);
            addBias(gateUp, total, w.bGateUp == null ? null : w.bGateUp[l]);
            threads.forEach(held, total, r -> VectorMath.swiglu(gateUp, r * 2 * hidden, hidden, act, r * hidden));
            threads.matmul(held, act, total, w.wDown[l], sum);
            addBias(sum, total, w.bDown == null ? null : w.bDown[l]);
            add(x, sum);
        }
        if (headRows.length == 0) {
            return null;
        }
        float[] selected = new float[headRows.length * d];
        for (int i = 0; i < headRows.length; i++) {
            System.arraycopy(x, headRows[i] * d, selected, i * d, d);
        }
        rmsNormalized(selected, selected, headRows.length, d, w.finalNorm);
        float[] logits = new float[headRows.length * w.scoredVocab];
        threads.matmul(held, selected, headRows.length, w.lmHead, logits);
        return logits;
    }

    /**
     * Per head of the q/k block: the optional q/k norm (which carries q's 1/sqrt(head_size)), else that
     * scale on q, then the rotation to the row's position.
     */
    private void rotateQueriesAndKeys(float[] qkv, int total, int[] positions, int layer) {
        int hd = config.headSize();
        int heads = config.numHeads() + config.numKvHeads();
        int width = w.qkvWidth();
        float[] norm = w.qkNorm == null ? null : w.qkNorm[layer];
        for (int r = 0; r < total; r++) {
            for (int head = 0; head < heads; head++) {
                int at = r * width + head * hd;
                if (norm != null) {
                    float scale = inverseRms(qkv, at, hd);
                    for (int j = 0; j < hd; j++) {
                        qkv[at + j] = qkv[at + j] * scale * norm[head * hd + j];
                    }
                } else if (head < config.numHeads()) {
                    for (int j = 0; j < hd; j++) {
                        qkv[at + j] *= w.qScale;
                    }
                }
                rotary.rotate(qkv, at, positions[r]);
            }
        }
    }

    /** Writes the sequence's new keys and values after its cache's current length. */
    private void store(CausalLm.Rows r, int first, float[] qkv, HeapKvStorage storage, int layer) {
        int kvDim = config.kvDim();
        int width = w.qkvWidth();
        int slot = r.cache().slot();
        int base = r.cache().length();
        float[] keys = storage.keys[layer][slot];
        int capacity = storage.capacity;
        for (int i = 0; i < r.tokens().length; i++) {
            int from = (first + i) * width + config.qDim();
            for (int c = 0; c < kvDim; c++) {
                keys[c * capacity + base + i] = qkv[from + c];
            }
            System.arraycopy(qkv, from + kvDim, storage.values[layer][slot], (base + i) * kvDim, kvDim);
        }
    }

    /**
     * One head's attention for each new row of a sequence: over the committed prefix, then the scratch
     * entries and new rows its mask allows. Scores are computed for every position (vectorized over
     * positions), the softmax only over visible ones: masked entries are left out, which is what their
     * additive -1e9 gives in {@link TorchKernel} (exp underflows to 0). Writes only that head's columns of
     * the sequence's rows, so (sequence, head) pairs can run on different threads.
     */
    private void attend(CausalLm.Rows r, int first, int head, float[] qkv, HeapKvStorage storage, int layer, float[] attn) {
        int hd = config.headSize();
        int group = config.numHeads() / config.numKvHeads();
        int kvDim = config.kvDim();
        int width = w.qkvWidth();
        int committed = r.cache().committed();
        int n = r.tokens().length;
        int length = r.cache().length() + n;
        int capacity = storage.capacity;
        float[] keys = storage.keys[layer][r.cache().slot()];
        float[] values = storage.values[layer][r.cache().slot()];
        int kv = (head / group) * hd;
        int lanes = Math.min(2, n); // a decode step's single row needs one set of buffers
        int[][] visible = new int[lanes][length];
        float[][] scores = new float[lanes][VectorMath.paddedPositions(length)];
        float[][] probs = new float[lanes][length];
        int[] count = new int[lanes];
        for (int[] v : visible) {
            for (int j = 0; j < committed; j++) {
                v[j] = j;
            }
        }
        // rows go in pairs, so each key and value read from memory serves two of them
        for (int i = 0; i < n; i += 2) {
            int pair = Math.min(2, n - i);
            for (int k = 0; k < pair; k++) {
                boolean[] mask = r.attend()[i + k];
                int c = committed;
                for (int j = committed; j < length; j++) {
                    if (mask[j - committed]) {
                        visible[k][c++] = j;
                    }
                }
                count[k] = c;
            }
            int row = first + i;
            int q = row * width + head * hd;
            if (pair == 2) {
                VectorMath.scoresPair(qkv, q, q + width, keys, kv * capacity, capacity, hd, length, scores[0], scores[1]);
            } else {
                VectorMath.scores(qkv, q, keys, kv * capacity, capacity, hd, length, scores[0]);
            }
            for (int k = 0; k < pair; k++) {
                for (int c = 0; c < count[k]; c++) {
                    probs[k][c] = scores[k][visible[k][c]];
                }
                VectorMath.softmax(probs[k], count[k]);
            }
            int out = row * config.qDim() + head * hd;
            if (pair == 2) {
                VectorMath.weightedRowsPair(probs[0], visible[0], count[0], probs[1], visible[1], count[1], committed,
                        values, kvDim, kv, attn, out, out + config.qDim(), hd);
            } else {
                VectorMath.weightedRows(probs[0], visible[0], count[0], values, kvDim, kv, attn, out, hd);
            }
        }
    }

    private float inverseRms(float[] v, int at, int n) {
        double squares = 0;
        for (int j = 0; j < n; j++) {
            squares += (double) v[at + j] * v[at + j];
        }
        return (float) (1.0 / Math.sqrt(squares / n + config.rmsNormEps()));
    }

    /** g ⊙ x / sqrt(mean(x²) + eps) per row. */
    private void rmsNormalized(float[] in, float[] out, int rows, int d, float[] g) {
        for (int r = 0; r < rows; r++) {
            float scale = inverseRms(in, r * d, d);
            for (int j = 0; j < d; j++) {
                out[r * d + j] = in[r * d + j] * scale * g[j];
            }
        }
    }

    private static void addBias(float[] y, int rows, float[] bias) {
        if (bias == null) {
            return;
        }
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < bias.length; j++) {
                y[r * bias.length + j] += bias[j];
            }
        }
    }

    private static void add(float[] x, float[] y) {
        for (int i = 0; i < x.length; i++) {
            x[i] += y[i];
        }
    }

    @Override
    public void close() {
        threads.close();
    }
}
