package dev.dyspec.core.model;

import dev.dyspec.core.checkpoint.Architecture;
import dev.dyspec.core.checkpoint.Checkpoint;
import dev.dyspec.core.checkpoint.LlamaTensorNames;
import dev.dyspec.core.checkpoint.ModelConfig;
import dev.dyspec.core.checkpoint.WeightTensor;
import java.util.Arrays;
import java.util.Map;

/**
 * A checkpoint's weights in the layout every forward kernel computes with: Linear weights transposed to
 * (in, out) and fused where one product can do the work of several (q/k/v, gate/up), RMSNorm weights
 * folded into the rows of the projection that follows each norm ((x̂ ⊙ g) W = x̂ (diag(g) W)), and
 * 1/sqrt(head_size) folded into q's last linear step. Row-major float arrays.
 */
final class PreparedWeights {

    final ModelConfig config;
    final int scoredVocab;
    final float[] embed;      // (vocab, dim)
    final float[][] wqkv;     // (layer) (dim, (n_heads + 2 * n_kv_heads) * head_size)
    final float[][] wo;       // (layer) (n_heads * head_size, dim)
    final float[][] wGateUp;  // (layer) (dim, 2 * hidden)
    final float[][] wDown;    // (layer) (hidden, dim)
    final float[] lmHead;     // (dim, scored_vocab)
    // optional, by architecture (null when absent)
    final float[][] bqkv;     // (layer) ((n_heads + 2 * n_kv_heads) * head_size), q part pre-scaled unless qkNorm
    final float[][] qkNorm;   // (layer) (n_heads + n_kv_heads, head_size): q rows pre-scaled by 1/sqrt(head_size)
    final float[][] bo;       // (layer) (dim)
    final float[][] bGateUp;  // (layer) (2 * hidden)
    final float[][] bDown;    // (layer) (dim)

    PreparedWeights(Checkpoint checkpoint, int scoredVocab) {
        this.config = checkpoint.config();
        if (scoredVocab < 1 || scoredVocab > config.vocabSize()) {
            throw new IllegalArgumentException("scored vocabulary " + scoredVocab + " outside [1, " + config.vocabSize() + "]");
        }
        this.scoredVocab = scoredVocab;
        Architecture arch = config.architecture();
        Map<String, WeightTensor> w = checkpoint.weights();
        int layers = config.numLayers();
        int d = config.hiddenSize();
        embed = w.get(LlamaTensorNames.EMBED).data();
        wqkv = new float[layers][];
        wo = new float[layers][];
        wGateUp = new float[layers][];
        wDown = new float[layers][];
        bqkv = arch.qkvBias() ? new float[layers][] : null;
        qkNorm = arch.qkNorm() ? new float[layers][] : null;
        bo = arch.outputBias() ? new float[layers][] : null;
        bGateUp = arch.mlpBias() ? new float[layers][] : null;
        bDown = arch.mlpBias() ? new float[layers][] : null;
        // a norm after q would undo a scaled projection: with a q-norm the scale goes into its weight
        float qScale = (float) (1.0 / Math.sqrt(config.headSize()));
        float projectionScale = arch.qkNorm() ? 1f : qScale;
        for (int l = 0; l < layers; l++) {
            float[] attnNorm = get(w, l, LlamaTensorNames.ATTN_NORM).data();
            wqkv[l] = inOut(d, attnNorm, scaled(get(w, l, LlamaTensorNames.Q), projectionScale),
                    get(w, l, LlamaTensorNames.K), get(w, l, LlamaTensorNames.V));
            wo[l] = inOut(config.qDim(), null, get(w, l, LlamaTensorNames.O));
            wGateUp[l] = inOut(d, get(w, l, LlamaTensorNames.FFN_NORM).data(), get(w, l, LlamaTensorNames.GATE),
                    get(w, l, LlamaTensorNames.UP));
            wDown[l] = inOut(config.intermediateSize(), null, get(w, l, LlamaTensorNames.DOWN));
            if (bqkv != null) {
                bqkv[l] = concat(scaled(get(w, l, LlamaTensorNames.Q_BIAS), projectionScale).data(),
                        get(w, l, LlamaTensorNames.K_BIAS).data(), get(w, l, LlamaTensorNames.V_BIAS).data());
            }
            if (qkNorm != null) {
                qkNorm[l] = headNormWeights(scaled(get(w, l, LlamaTensorNames.Q_NORM), qScale).data(),
                        get(w, l, LlamaTensorNames.K_NORM).data());
            }
            if (bo != null) {
                bo[l] = get(w, l, LlamaTensorNames.O_BIAS).data();
            }
            if (bGateUp != null) {
                bGateUp[l] = concat(get(w, l, LlamaTensorNames.GATE_BIAS).data(), get(w, l, LlamaTensorNames.UP_BIAS).data());
                bDown[l] = get(w, l, LlamaTensorNames.DOWN_BIAS).data();
            }
        }
        WeightTensor head = config.tiedEmbeddings() ? w.get(LlamaTensorNames.EMBED) : w.get(LlamaTensorNames.LM_HEAD);
        lmHead = inOut(d, w.get(LlamaTensorNames.FINAL_NORM).data(), scoredVocab == config.vocabSize() ? head
                : new WeightTensor(head.name(), new int[] {scoredVocab, d}, Arrays.copyOf(head.data(), scoredVocab * d)));
    }

    /** Columns of the fused q/k/v product: queries, then keys, then values. */
    int qkvWidth() {
        return config.qDim() + 2 * config.kvDim();
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

    /**
     * Transposes [out, in] Linear weights to [in, out] and concatenates them along out.
     *
     * @param inputScale per-input factors folded into the rows (a preceding RMSNorm's weight), or null
     */
    private static float[] inOut(int in, float[] inputScale, WeightTensor... parts) {
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
        return out;
    }
}
