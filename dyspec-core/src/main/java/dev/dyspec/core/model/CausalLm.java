package dev.dyspec.core.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
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
import java.util.Map;

/**
 * A Llama-layout decoder on DJL's PyTorch engine; one forward serves draft and target, of every family
 * we load: the family's {@link Architecture} switches on biases, a per-head q/k norm and RoPE scaling.
 * A forward scores n new tokens with explicit positions against a {@link KvCache}: every new token
 * sees the committed prefix plus whichever scratch entries and new tokens its mask allows, so a whole
 * token tree is scored in one call.
 */
public final class CausalLm implements AutoCloseable {

    /** Additive mask value; -inf produces NaN when a row is fully masked, a large finite value does not. */
    static final float MASKED = -1e9f;

    private final ModelConfig config;
    private final NDManager manager;
    private final RotaryTable rotary;
    private final int rotaryPositions;

    private final NDArray embed;        // (vocab, dim)
    private final NDArray[] attnNorm;   // (layer) (dim)
    private final NDArray[] wqkv;       // (layer) (dim, (n_heads + 2 * n_kv_heads) * head_size), q pre-scaled by 1/sqrt(head_size)
    private final NDArray[] wo;         // (layer) (n_heads * head_size, dim)
    private final NDArray[] ffnNorm;    // (layer) (dim)
    private final NDArray[] wGateUp;    // (layer) (dim, 2 * hidden)
    private final NDArray[] wDown;      // (layer) (hidden, dim)
    private final NDArray finalNorm;    // (dim)
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
        this.rotaryPositions = rotaryPositions;
        this.rotary = new RotaryTable(config.headSize(), rotaryPositions, config.ropeTheta(), config.architecture().rope());
        Architecture arch = config.architecture();
        Map<String, WeightTensor> w = checkpoint.weights();
        int layers = config.numLayers();
        int d = config.hiddenSize();
        embed = upload(w.get(LlamaTensorNames.EMBED).data(), config.vocabSize(), d);
        attnNorm = new NDArray[layers];
        wqkv = new NDArray[layers];
        wo = new NDArray[layers];
        ffnNorm = new NDArray[layers];
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
            attnNorm[l] = upload(get(w, l, LlamaTensorNames.ATTN_NORM).data(), d);
            wqkv[l] = uploadInOut(d, scaled(get(w, l, LlamaTensorNames.Q), projectionScale), get(w, l, LlamaTensorNames.K),
                    get(w, l, LlamaTensorNames.V));
            wo[l] = uploadInOut(config.qDim(), get(w, l, LlamaTensorNames.O));
            ffnNorm[l] = upload(get(w, l, LlamaTensorNames.FFN_NORM).data(), d);
            wGateUp[l] = uploadInOut(d, get(w, l, LlamaTensorNames.GATE), get(w, l, LlamaTensorNames.UP));
            wDown[l] = uploadInOut(config.intermediateSize(), get(w, l, LlamaTensorNames.DOWN));
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
        finalNorm = upload(w.get(LlamaTensorNames.FINAL_NORM).data(), d);
        WeightTensor head = config.tiedEmbeddings() ? w.get(LlamaTensorNames.EMBED) : w.get(LlamaTensorNames.LM_HEAD);
        lmHead = uploadInOut(d, scoredVocab == config.vocabSize() ? head : new WeightTensor(head.name(),
                new int[] {scoredVocab, d}, java.util.Arrays.copyOf(head.data(), scoredVocab * d)));
        rotateHalf = upload(rotateHalfMatrix(config.headSize()), config.headSize(), config.headSize());
        int qkWidth = (config.numHeads() + config.numKvHeads()) * config.headSize();
        qkColumns = new NDIndex().addAllDim().addSliceDim(0, qkWidth);
        vColumns = new NDIndex().addAllDim().addSliceDim(qkWidth, qkWidth + config.kvDim());
        qHeads = new NDIndex().addAllDim().addSliceDim(0, config.numHeads());
        kHeads = new NDIndex().addAllDim().addSliceDim(config.numHeads(), config.numHeads() + config.numKvHeads());
        gateColumns = new NDIndex().addAllDim().addSliceDim(0, config.intermediateSize());
        upColumns = new NDIndex().addAllDim().addSliceDim(config.intermediateSize(), 2L * config.intermediateSize());
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

    /** Transposes [out, in] Linear weights to [in, out] and concatenates them along out. */
    private NDArray uploadInOut(int in, WeightTensor... parts) {
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
                    out[c * totalOut + col + r] = src[r * in + c];
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
        return new KvCache(manager, config.numLayers(), config.numKvHeads(), config.headSize(), capacity);
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
        int n = tokens.length;
        int scratch = cache.scratch();
        checkInputs(cache, tokens, positions, attend);
        cache.ensureRoom(n);
        int prefix = cache.committed();
        int length = prefix + scratch + n;
        int heads = config.numHeads();
        int kvHeads = config.numKvHeads();
        int hd = config.headSize();
        int group = heads / kvHeads;
        float[][] result = null;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            long[] ids = new long[n];
            for (int i = 0; i < n; i++) {
                ids[i] = tokens[i];
            }
            NDArray x = embed.get(new NDIndex("{}", manager.create(ids)));                       // (n, dim)
            NDArray cos = manager.create(rotary.cosRows(positions), new Shape(n, 1, hd));
            NDArray sin = manager.create(rotary.sinRows(positions), new Shape(n, 1, hd));
            NDArray mask = manager.create(additiveMask(attend, prefix, scratch, n), new Shape(n, length));
            for (int l = 0; l < config.numLayers(); l++) {
                NDArray h = rmsNorm(x, attnNorm[l]);
                NDArray qkv = h.matMul(wqkv[l]);                                                 // (n, (H + 2 KV) * hd)
                if (bqkv != null) {
                    qkv = qkv.add(bqkv[l]);
                }
                NDArray qk = qkv.get(qkColumns).reshape(n, heads + kvHeads, hd);
                if (qkNorm != null) {
                    qk = rmsNorm(qk, qkNorm[l]);                                                  // per head, over hd
                }
                qk = qk.mul(cos).add(qk.matMul(rotateHalf).mul(sin));
                NDArray q = qk.get(qHeads);                                                       // (n, H, hd)
                NDArray k = qk.get(kHeads);                                                       // (n, KV, hd)
                NDArray v = qkv.get(vColumns).reshape(n, kvHeads, hd);
                cache.write(l, k.transpose(1, 0, 2), v.transpose(1, 0, 2));
                NDArray keys = cache.keys(l, length);                                             // (KV, L, hd)
                NDArray values = cache.values(l, length);
                NDArray qg = q.transpose(1, 0, 2).reshape(kvHeads, group * n, hd);                // heads grouped by their kv head
                NDArray scores = qg.matMul(keys.transpose(0, 2, 1)).reshape(kvHeads, group, n, length).add(mask);
                NDArray probs = scores.softmax(-1).reshape(kvHeads, group * n, length);
                NDArray attn = probs.matMul(values).reshape(heads, n, hd).transpose(1, 0, 2).reshape(n, heads * hd);
                NDArray out = attn.matMul(wo[l]);
                x = x.add(bo == null ? out : out.add(bo[l]));
                h = rmsNorm(x, ffnNorm[l]);
                NDArray gateUp = h.matMul(wGateUp[l]);                                           // (n, 2 * hidden)
                if (bGateUp != null) {
                    gateUp = gateUp.add(bGateUp[l]);
                }
                NDArray gate = gateUp.get(gateColumns);
                NDArray up = gateUp.get(upColumns);
                NDArray down = Activation.sigmoid(gate).mul(gate).mul(up).matMul(wDown[l]);
                x = x.add(bDown == null ? down : down.add(bDown[l]));
            }
            if (wantLogits) {
                float[] flat = rmsNorm(x, finalNorm).matMul(lmHead).toFloatArray();
                int vocab = scoredVocab;
                result = new float[n][vocab];
                for (int i = 0; i < n; i++) {
                    System.arraycopy(flat, i * vocab, result[i], 0, vocab);
                }
            }
        }
        cache.advance(n);
        return result;
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
        int n = tokens.length;
        int[] positions = new int[n];
        boolean[][] attend = new boolean[n][n];
        for (int i = 0; i < n; i++) {
            positions[i] = cache.committed() + i;
            for (int j = 0; j <= i; j++) {
                attend[i][j] = true;
            }
        }
        return forward(cache, tokens, positions, attend, wantLogits);
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

    private static float[] additiveMask(boolean[][] attend, int prefix, int scratch, int n) {
        int length = prefix + scratch + n;
        float[] mask = new float[n * length];
        for (int i = 0; i < n; i++) {
            int row = i * length + prefix;
            for (int j = 0; j < scratch + n; j++) {
                if (!attend[i][j]) {
                    mask[row + j] = MASKED;
                }
            }
        }
        return mask;
    }

    private NDArray rmsNorm(NDArray x, NDArray weight) {
        NDArray meanSquare = x.square().mean(new int[] {-1}, true);
        return x.mul(meanSquare.add(config.rmsNormEps()).pow(-0.5)).mul(weight);
    }

    @Override
    public void close() {
        manager.close();
    }
}
