package dev.dyspec.core.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.dyspec.core.checkpoint.Architecture;
import dev.dyspec.core.checkpoint.Checkpoint;
import dev.dyspec.core.checkpoint.LlamaTensorNames;
import dev.dyspec.core.checkpoint.ModelConfig;
import dev.dyspec.core.checkpoint.WeightTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Llama-layout decoder on DJL's PyTorch engine; one forward serves draft and target, of every family
 * we load: the family's {@link Architecture} switches on biases, a per-head q/k norm and RoPE scaling.
 * A forward scores n new tokens with explicit positions against a {@link KvCache}: every new token
 * sees the committed prefix plus whichever scratch entries and new tokens its mask allows, so a whole
 * token tree is scored in one call.
 */
public final class CausalLm implements AutoCloseable {

    private static final int[] LAST_AXIS = {-1};

    /** Additive mask value; -inf produces NaN when a row is fully masked, a large finite value does not. */
    static final float MASKED = -1e9f;

    private final ModelConfig config;
    private final NDManager manager;
    private final RotaryTable rotary;
    private final int rotaryPositions;

    private final NDArray embed;        // (vocab, dim)
    // RMSNorm weights are folded into the rows of the projection that follows each norm: (x̂ ⊙ g) W = x̂ (diag(g) W)
    private final NDArray[] wqkv;       // (layer) (dim, (n_heads + 2 * n_kv_heads) * head_size), q pre-scaled by 1/sqrt(head_size)
    private final NDArray[] wo;         // (layer) (n_heads * head_size, dim)
    private final NDArray[] wGateUp;    // (layer) (dim, 2 * hidden)
    private final NDArray[] wDown;      // (layer) (hidden, dim)
    private final NDArray lmHead;       // (dim, scored_vocab)
    private final int scoredVocab;
    private final NDArray rotateHalf;   // (head_size, head_size): x @ R = concat(-x2, x1)
    // optional, by architecture (null when absent)
    private final NDArray[] bqkv;       // (layer) ((n_heads + 2 * n_kv_heads) * head_size), q part pre-scaled unless qkNorm
    private final NDArray[] qkNorm;     // (layer) (n_heads + n_kv_heads, head_size): q rows pre-scaled by 1/sqrt(head_size)
    private final NDArray[] bo;         // (layer) (dim)
    private final NDArray[] bGateUp;    // (layer) (2 * hidden)
    private final NDArray[] bDown;      // (layer) (dim)

    // Slices reused every forward: building an NDIndex from a string parses it each time.
    private final NDIndex qkColumns;
    private final NDIndex vColumns;
    private final NDIndex qHeads;
    private final NDIndex kHeads;
    private final NDIndex gateColumns;
    private final NDIndex upColumns;

    /**
     * @param rotaryPositions positions the rotary table covers: the context limit plus the largest tree
     */
    public CausalLm(Checkpoint checkpoint, Device device, int rotaryPositions) {
        this(checkpoint, device, rotaryPositions, checkpoint.config().vocabSize());
    }

    /**
     * @param scoredVocab logit columns a forward returns: the tokenizer's real tokens. Embedding rows past
     *     them (padding, as in Qwen2.5's 151,936 rows for 151,665 tokens) are never scored, so they have
     *     probability zero for every strategy and a pair may differ in padding.
     */
    public CausalLm(Checkpoint checkpoint, Device device, int rotaryPositions, int scoredVocab) {
        this.config = checkpoint.config();
        if (scoredVocab < 1 || scoredVocab > config.vocabSize()) {
            throw new IllegalArgumentException("scored vocabulary " + scoredVocab + " outside [1, " + config.vocabSize() + "]");
        }
        this.scoredVocab = scoredVocab;
        this.manager = NDManager.newBaseManager(device, "PyTorch");
        try {
            this.rotaryPositions = rotaryPositions;
            this.rotary = new RotaryTable(config.headSize(), rotaryPositions, config.ropeTheta(), config.architecture().rope());
            Architecture arch = config.architecture();
            Map<String, WeightTensor> w = checkpoint.weights();
            int layers = config.numLayers();
            int d = config.hiddenSize();
            embed = upload(w.get(LlamaTensorNames.EMBED).data(), config.vocabSize(), d);
            wqkv = new NDArray[layers];
            wo = new NDArray[layers];
            wGateUp = new NDArray[layers];
            wDown = new NDArray[layers];
            bqkv = arch.qkvBias() ? new NDArray[layers] : null;
            qkNorm = arch.qkNorm() ? new NDArray[layers] : null;
            bo = arch.outputBias() ? new NDArray[layers] : null;
            bGateUp = arch.mlpBias() ? new NDArray[layers] : null;
            bDown = arch.mlpBias() ? new NDArray[layers] : null;
            // 1/sqrt(head_size) folds into q's last linear step: the q-norm weight when there is one (a norm
            // would undo a scaled projection), else the projection and its bias
            float qScale = (float) (1.0 / Math.sqrt(config.headSize()));
            float projectionScale = arch.qkNorm() ? 1f : qScale;
            for (int l = 0; l < layers; l++) {
                float[] attnNorm = get(w, l, LlamaTensorNames.ATTN_NORM).data();
                wqkv[l] = uploadInOut(d, attnNorm, scaled(get(w, l, LlamaTensorNames.Q), projectionScale),
                        get(w, l, LlamaTensorNames.K), get(w, l, LlamaTensorNames.V));
                wo[l] = uploadInOut(config.qDim(), null, get(w, l, LlamaTensorNames.O));
                wGateUp[l] = uploadInOut(d, get(w, l, LlamaTensorNames.FFN_NORM).data(), get(w, l, LlamaTensorNames.GATE),
                        get(w, l, LlamaTensorNames.UP));
                wDown[l] = uploadInOut(config.intermediateSize(), null, get(w, l, LlamaTensorNames.DOWN));
                if (bqkv != null) {
                    bqkv[l] = upload(concat(scaled(get(w, l, LlamaTensorNames.Q_BIAS), projectionScale).data(),
                            get(w, l, LlamaTensorNames.K_BIAS).data(), get(w, l, LlamaTensorNames.V_BIAS).data()),
                            config.qDim() + 2L * config.kvDim());
                }
                if (qkNorm != null) {
                    qkNorm[l] = upload(headNormWeights(scaled(get(w, l, LlamaTensorNames.Q_NORM), qScale).data(),
                            get(w, l, LlamaTensorNames.K_NORM).data()), config.numHeads() + config.numKvHeads(), config.headSize());
                }
                if (bo != null) {
                    bo[l] = upload(get(w, l, LlamaTensorNames.O_BIAS).data(), d);
                }
                if (bGateUp != null) {
                    bGateUp[l] = upload(concat(get(w, l, LlamaTensorNames.GATE_BIAS).data(), get(w, l, LlamaTensorNames.UP_BIAS).data()),
                            2L * config.intermediateSize());
                    bDown[l] = upload(get(w, l, LlamaTensorNames.DOWN_BIAS).data(), d);
                }
            }
            WeightTensor head = config.tiedEmbeddings() ? w.get(LlamaTensorNames.EMBED) : w.get(LlamaTensorNames.LM_HEAD);
            lmHead = uploadInOut(d, w.get(LlamaTensorNames.FINAL_NORM).data(), scoredVocab == config.vocabSize() ? head : new WeightTensor(head.name(),
                    new int[] {scoredVocab, d}, java.util.Arrays.copyOf(head.data(), scoredVocab * d)));
            rotateHalf = upload(rotateHalfMatrix(config.headSize()), config.headSize(), config.headSize());
            int qkWidth = (config.numHeads() + config.numKvHeads()) * config.headSize();
            qkColumns = new NDIndex().addAllDim().addSliceDim(0, qkWidth);
            vColumns = new NDIndex().addAllDim().addSliceDim(qkWidth, qkWidth + config.kvDim());
            qHeads = new NDIndex().addAllDim().addSliceDim(0, config.numHeads());
            kHeads = new NDIndex().addAllDim().addSliceDim(config.numHeads(), config.numHeads() + config.numKvHeads());
            gateColumns = new NDIndex().addAllDim().addSliceDim(0, config.intermediateSize());
            upColumns = new NDIndex().addAllDim().addSliceDim(config.intermediateSize(), 2L * config.intermediateSize());
        } catch (RuntimeException | Error e) {
            manager.close(); // a weight that fails to load (NaN, unreadable) leaves no native memory behind
            throw e;
        }
    }

    private static WeightTensor get(Map<String, WeightTensor> w, int layer, String suffix) {
        return w.get(LlamaTensorNames.layer(layer, suffix));
    }

    private static WeightTensor scaled(WeightTensor t, float s) {
        float[] out = t.data().clone();
        for (int i = 0; i < out.length; i++) {
            out[i] *= s;
        }
        return new WeightTensor(t.name(), t.shape(), out);
    }

    private static float[] concat(float[]... parts) {
        int total = 0;
        for (float[] p : parts) {
            total += p.length;
        }
        float[] out = new float[total];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** One norm weight row per head of the fused q/k block: the q weight for q heads, the k weight for k heads. */
    private float[] headNormWeights(float[] q, float[] k) {
        int heads = config.numHeads();
        int rows = heads + config.numKvHeads();
        int hd = config.headSize();
        float[] out = new float[rows * hd];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(r < heads ? q : k, 0, out, r * hd, hd);
        }
        return out;
    }

    private NDArray upload(float[] data, long... shape) {
        return manager.create(data, new Shape(shape));
    }

    /**
     * Transposes [out, in] Linear weights to [in, out] and concatenates them along out.
     *
     * @param inputScale per-input factors folded into the rows (a preceding RMSNorm's weight), or null
     */
    private NDArray uploadInOut(int in, float[] inputScale, WeightTensor... parts) {
        int totalOut = 0;
        for (WeightTensor p : parts) {
            totalOut += p.shape()[0];
        }
        float[] out = new float[in * totalOut];
        int col = 0;
        for (WeightTensor p : parts) {
            int rows = p.shape()[0];
            float[] src = p.data();
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < in; c++) {
                    out[c * totalOut + col + r] = inputScale == null ? src[r * in + c] : src[r * in + c] * inputScale[c];
                }
            }
            col += rows;
        }
        return upload(out, in, totalOut);
    }

    private static float[] rotateHalfMatrix(int headSize) {
        int half = headSize / 2;
        float[] r = new float[headSize * headSize];
        for (int j = 0; j < half; j++) {
            r[(j + half) * headSize + j] = -1f;  // out[j] = -x[j + half]
            r[j * headSize + j + half] = 1f;     // out[j + half] = x[j]
        }
        return r;
    }

    public ModelConfig config() {
        return config;
    }

    /** Length of each logits row: the tokenizer's tokens (at most the embedding rows). */
    public int scoredVocab() {
        return scoredVocab;
    }

    public Device device() {
        return manager.getDevice();
    }

    /** Positions the rotary table covers; a forward beyond them is refused. */
    public int rotaryPositions() {
        return rotaryPositions;
    }

    /** A cache for one sequence of this model, preallocated to {@code capacity} entries. */
    public KvCache newCache(int capacity) {
        return new KvCache(newPool(1, capacity), 0, true);
    }

    /**
     * Storage for {@code slots} sequences of {@code capacity} entries each, allocated now. Sequences of one
     * pool share each layer's attention in a batched forward.
     */
    public KvPool newPool(int slots, int capacity) {
        return new KvPool(manager, config.numLayers(), config.numKvHeads(), config.headSize(), slots, capacity);
    }

    /**
     * Scores n new tokens. The new tokens' keys and values join the cache's scratch region.
     *
     * @param tokens (n) new token ids
     * @param positions (n) their positions in the sequence
     * @param attend (n, scratch + n): whether new token i sees scratch entry j (j &lt; scratch) or new
     *     token j - scratch; the committed prefix is always visible; each token must see itself
     * @param wantLogits false to only fill the cache (prefill of all but the last prompt token)
     * @return (n, vocab) next-token logits, or null when {@code wantLogits} is false
     */
    public float[][] forward(KvCache cache, int[] tokens, int[] positions, boolean[][] attend, boolean wantLogits) {
        return forward(List.of(new Rows(cache, tokens, positions, attend)), wantLogits).get(0);
    }

    /**
     * New tokens of one sequence in a batched forward: its cache, tokens, positions and mask, as
     * {@link #forward(KvCache, int[], int[], boolean[][], boolean)} takes them.
     *
     * @param wantLogits false for rows that only fill the cache (a prefill chunk riding along)
     */
    public record Rows(KvCache cache, int[] tokens, int[] positions, boolean[][] attend, boolean wantLogits) {

        public Rows(KvCache cache, int[] tokens, int[] positions, boolean[][] attend) {
            this(cache, tokens, positions, attend, true);
        }

        /** A causal run of tokens after everything in the cache. */
        public static Rows chain(KvCache cache, int[] tokens, boolean wantLogits) {
            int n = tokens.length;
            int[] positions = new int[n];
            boolean[][] attend = new boolean[n][cache.scratch() + n];
            for (int i = 0; i < n; i++) {
                positions[i] = cache.committed() + cache.scratch() + i;
                for (int j = 0; j <= i; j++) {
                    attend[i][cache.scratch() + j] = true;
                }
            }
            return new Rows(cache, tokens, positions, attend, wantLogits);
        }
    }

    /**
     * Scores the new tokens of several sequences in one forward: the projections and the MLP run once
     * over all rows (where most per-operation overhead goes), attention runs per sequence against that
     * sequence's own cache, so rows of different sequences never see each other.
     *
     * @return per sequence, (n, vocab) logits (null entries when {@code wantLogits} is false)
     */
    public List<float[][]> forward(List<Rows> batch, boolean wantLogits) {
        int sequences = batch.size();
        int total = 0;
        int[] offset = new int[sequences];
        for (int b = 0; b < sequences; b++) {
            Rows r = batch.get(b);
            checkInputs(r.cache(), r.tokens(), r.positions(), r.attend());
            r.cache().ensureRoom(r.tokens().length);
            offset[b] = total;
            total += r.tokens().length;
        }
        int heads = config.numHeads();
        int kvHeads = config.numKvHeads();
        int hd = config.headSize();
        List<float[][]> results = new ArrayList<>();
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            long[] ids = new long[total];
            int[] allPositions = new int[total];
            for (int b = 0; b < sequences; b++) {
                int[] t = batch.get(b).tokens();
                for (int i = 0; i < t.length; i++) {
                    ids[offset[b] + i] = t[i];
                }
                System.arraycopy(batch.get(b).positions(), 0, allPositions, offset[b], t.length);
            }
            NDArray x = embed.get(new NDIndex("{}", manager.create(ids)));                       // (N, dim)
            NDArray cos = manager.create(rotary.cosRows(allPositions), new Shape(total, 1, hd));
            NDArray sin = manager.create(rotary.sinRows(allPositions), new Shape(total, 1, hd));
            List<AttentionGroup> groups = AttentionGroup.of(batch, offset, manager);
            // In-place (…i) operations below act on arrays this forward just created: each one saves an
            // NDArray allocation, its registration with the manager and its release, which cost more than the
            // arithmetic at these sizes.
            for (int l = 0; l < config.numLayers(); l++) {
                NDArray h = rmsNormalized(x);
                NDArray qkv = h.matMul(wqkv[l]);                                                 // (N, (H + 2 KV) * hd)
                if (bqkv != null) {
                    qkv = qkv.addi(bqkv[l]);
                }
                NDArray qk = qkv.get(qkColumns).reshape(total, heads + kvHeads, hd);
                if (qkNorm != null) {
                    qk = rmsNorm(qk, qkNorm[l]);                                                  // per head, over hd
                }
                NDArray rotated = qk.matMul(rotateHalf).muli(sin);
                qk = qk.mul(cos).addi(rotated);
                NDArray v = qkv.get(vColumns).reshape(total, kvHeads, hd);
                NDArray q = qk.get(qHeads);                                                       // (N, H, hd)
                NDArray k = qk.get(kHeads);                                                       // (N, KV, hd)
                NDArray attn;                                                                     // (N, H * hd)
                if (groups.size() == 1) {
                    attn = groups.get(0).attend(l, q, k, v, config);
                } else {
                    NDList parts = new NDList(groups.size());
                    for (AttentionGroup g : groups) {
                        parts.add(g.attend(l, q, k, v, config));
                    }
                    attn = NDArrays.concat(parts, 0).get(new NDIndex("{}", AttentionGroup.inverseOrder(groups, total, manager)));
                }
                NDArray out = attn.matMul(wo[l]);
                x = x.addi(bo == null ? out : out.addi(bo[l]));
                h = rmsNormalized(x);
                NDArray gateUp = h.matMul(wGateUp[l]);                                           // (N, 2 * hidden)
                if (bGateUp != null) {
                    gateUp = gateUp.addi(bGateUp[l]);
                }
                NDArray gate = gateUp.get(gateColumns);
                NDArray up = gateUp.get(upColumns);
                NDArray down = Activation.sigmoid(gate).muli(gate).muli(up).matMul(wDown[l]);
                x = x.addi(bDown == null ? down : down.addi(bDown[l]));
            }
            // the output head runs only over rows whose sequence wants logits (not over prefill chunks)
            int[] headRow = new int[total];
            int scored = 0;
            for (int b = 0; b < sequences; b++) {
                boolean wanted = wantLogits && batch.get(b).wantLogits();
                for (int i = 0; i < batch.get(b).tokens().length; i++) {
                    headRow[offset[b] + i] = wanted ? scored++ : -1;
                }
            }
            float[] flat = null;
            if (scored > 0) {
                NDArray h = scored == total ? x : x.get(new NDIndex("{}", manager.create(
                        java.util.stream.IntStream.range(0, total).filter(r -> headRow[r] >= 0).asLongStream().toArray())));
                flat = rmsNormalized(h).matMul(lmHead).toFloatArray();
            }
            for (int b = 0; b < sequences; b++) {
                int n = batch.get(b).tokens().length;
                float[][] rows = null;
                if (wantLogits && batch.get(b).wantLogits()) {
                    rows = new float[n][scoredVocab];
                    for (int i = 0; i < n; i++) {
                        System.arraycopy(flat, headRow[offset[b] + i] * scoredVocab, rows[i], 0, scoredVocab);
                    }
                }
                results.add(rows);
            }
        }
        for (Rows r : batch) {
            r.cache().advance(r.tokens().length);
        }
        return results;
    }

    /** Runs a causal sequence through the model and commits it to the cache, computing no logits. */
    public void prefill(KvCache cache, int[] tokens) {
        forwardChain(cache, tokens, false);
        cache.commitScratch();
    }

    /** Scores a causal run of tokens after everything in the cache (scratch must be empty). */
    public float[][] forwardChain(KvCache cache, int[] tokens, boolean wantLogits) {
        if (cache.scratch() != 0) {
            throw new IllegalStateException("forwardChain needs an empty scratch region");
        }
        return forward(List.of(Rows.chain(cache, tokens, true)), wantLogits).get(0);
    }

    private void checkInputs(KvCache cache, int[] tokens, int[] positions, boolean[][] attend) {
        int n = tokens.length;
        if (n == 0) {
            throw new IllegalArgumentException("no tokens to score");
        }
        if (positions.length != n || attend.length != n) {
            throw new IllegalArgumentException("tokens, positions and mask rows differ in length");
        }
        for (int i = 0; i < n; i++) {
            if (tokens[i] < 0 || tokens[i] >= config.vocabSize()) {
                throw new IllegalArgumentException("token id " + tokens[i] + " outside the vocabulary [0, " + config.vocabSize() + ")");
            }
            if (positions[i] < 0 || positions[i] >= rotaryPositions) {
                throw new IllegalArgumentException("position " + positions[i] + " outside [0, " + rotaryPositions + ")");
            }
            if (attend[i].length != cache.scratch() + n || !attend[i][cache.scratch() + i]) {
                throw new IllegalArgumentException("mask row " + i + " must span scratch + new tokens and include the token itself");
            }
        }
    }

    /** x / sqrt(mean(x²) + eps) over the last axis; the norm's weight lives in the next projection. */
    private NDArray rmsNormalized(NDArray x) {
        NDArray meanSquare = x.square().mean(LAST_AXIS, true);
        return x.mul(meanSquare.addi(config.rmsNormEps()).powi(-0.5));
    }

    private NDArray rmsNorm(NDArray x, NDArray weight) {
        return rmsNormalized(x).muli(weight);
    }

    @Override
    public void close() {
        manager.close();
    }
}
