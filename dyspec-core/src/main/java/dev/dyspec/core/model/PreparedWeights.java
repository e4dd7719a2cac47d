package dev.dyspec.core.model;

import dev.dyspec.core.checkpoint.Architecture;
import dev.dyspec.core.checkpoint.Checkpoint;
import dev.dyspec.core.checkpoint.LlamaTensorNames;
import dev.dyspec.core.checkpoint.ModelConfig;
import dev.dyspec.core.checkpoint.WeightTensor;
import java.util.Arrays;
import java.util.Map;

/**
 * A checkpoint's weights in the layout the forward kernels compute with: Linear weights transposed to
 * (in, out) and fused where one product can do the work of several (q/k/v, gate/up). Two forms:
 * <ul>
 * <li>folded (the torch kernel): RMSNorm weights folded into the rows of the projection that follows each
 *     norm ((x̂ ⊙ g) W = x̂ (diag(g) W)) and 1/sqrt(head_size) into q's last linear step — fewer tensor
 *     operations per layer, all weights F32;</li>
 * <li>compact (the Java kernel): nothing folded, so each projection keeps the checkpoint's own values and
 *     an F16 or BF16 checkpoint keeps 2 bytes per weight ({@link WeightMatrix}); the kernel applies the
 *     norm weights ({@link #attnNorm}, {@link #ffnNorm}, {@link #finalNorm}) and {@link #qScale} itself.</li>
 * </ul>
 */
final class PreparedWeights {

    final ModelConfig config;
    final int scoredVocab;
    final float[] embed;      // (vocab, dim)
    final WeightMatrix[] wqkv;     // (layer) (dim, (n_heads + 2 * n_kv_heads) * head_size)
    final WeightMatrix[] wo;       // (layer) (n_heads * head_size, dim)
    final WeightMatrix[] wGateUp;  // (layer) (dim, 2 * hidden)
    final WeightMatrix[] wDown;    // (layer) (hidden, dim)
    final WeightMatrix lmHead;     // (dim, scored_vocab)
    // compact form only (null when folded)
    final float[][] attnNorm; // (layer) (dim)
    final float[][] ffnNorm;  // (layer) (dim)
    final float[] finalNorm;  // (dim)
    /** The factor for q after its projection and bias: 1/sqrt(head_size) when compact without q-norm, else 1. */
    final float qScale;
    // optional, by architecture (null when absent)
    final float[][] bqkv;     // (layer) ((n_heads + 2 * n_kv_heads) * head_size), q part pre-scaled when folded without qkNorm
    final float[][] qkNorm;   // (layer) (n_heads + n_kv_heads, head_size): q rows pre-scaled by 1/sqrt(head_size)
    final float[][] bo;       // (layer) (dim)
    final float[][] bGateUp;  // (layer) (2 * hidden)
    final float[][] bDown;    // (layer) (dim)

    /**
     * @param panel 0 for the folded form; else the compact form (see the class comment) with halves in
     *     panels of this many columns
     */
    PreparedWeights(Checkpoint checkpoint, int scoredVocab, int panel) {
        this.config = checkpoint.config();
        if (scoredVocab < 1 || scoredVocab > config.vocabSize()) {
            throw new IllegalArgumentException("scored vocabulary " + scoredVocab + " outside [1, " + config.vocabSize() + "]");
        }
        this.scoredVocab = scoredVocab;
        boolean compact = panel > 0;
        Architecture arch = config.architecture();
        Map<String, WeightTensor> w = checkpoint.weights();
        int layers = config.numLayers();
        int d = config.hiddenSize();
        embed = w.get(LlamaTensorNames.EMBED).data();
        wqkv = new WeightMatrix[layers];
        wo = new WeightMatrix[layers];
        wGateUp = new WeightMatrix[layers];
        wDown = new WeightMatrix[layers];
        attnNorm = compact ? new float[layers][] : null;
        ffnNorm = compact ? new float[layers][] : null;
        bqkv = arch.qkvBias() ? new float[layers][] : null;
        qkNorm = arch.qkNorm() ? new float[layers][] : null;
        bo = arch.outputBias() ? new float[layers][] : null;
        bGateUp = arch.mlpBias() ? new float[layers][] : null;
        bDown = arch.mlpBias() ? new float[layers][] : null;
        // a norm after q would undo a scaled projection: with a q-norm the scale goes into its weight
        float headScale = (float) (1.0 / Math.sqrt(config.headSize()));
        float projectionScale = arch.qkNorm() || compact ? 1f : headScale;
        qScale = arch.qkNorm() || !compact ? 1f : headScale;
        for (int l = 0; l < layers; l++) {
            float[] attnNormWeight = get(w, l, LlamaTensorNames.ATTN_NORM).data();
            float[] ffnNormWeight = get(w, l, LlamaTensorNames.FFN_NORM).data();
            if (compact) {
                attnNorm[l] = attnNormWeight;
                ffnNorm[l] = ffnNormWeight;
            }
            wqkv[l] = inOut(panel, d, compact ? null : attnNormWeight, scaled(get(w, l, LlamaTensorNames.Q), projectionScale),
                    get(w, l, LlamaTensorNames.K), get(w, l, LlamaTensorNames.V));
            wo[l] = inOut(panel, config.qDim(), null, get(w, l, LlamaTensorNames.O));
            wGateUp[l] = inOut(panel, d, compact ? null : ffnNormWeight, get(w, l, LlamaTensorNames.GATE),
                    get(w, l, LlamaTensorNames.UP));
            wDown[l] = inOut(panel, config.intermediateSize(), null, get(w, l, LlamaTensorNames.DOWN));
            if (bqkv != null) {
                bqkv[l] = concat(scaled(get(w, l, LlamaTensorNames.Q_BIAS), projectionScale).data(),
                        get(w, l, LlamaTensorNames.K_BIAS).data(), get(w, l, LlamaTensorNames.V_BIAS).data());
            }
            if (qkNorm != null) {
                qkNorm[l] = headNormWeights(scaled(get(w, l, LlamaTensorNames.Q_NORM), headScale).data(),
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
        float[] finalNormWeight = w.get(LlamaTensorNames.FINAL_NORM).data();
        finalNorm = compact ? finalNormWeight : null;
        lmHead = inOut(panel, d, compact ? null : finalNormWeight, scoredVocab == config.vocabSize() ? head
                : new WeightTensor(head.name(), new int[] {scoredVocab, d}, Arrays.copyOf(head.data(), scoredVocab * d)));
    }

    /** The storages of the projection weights, narrowest first, joined by '+'. */
    String storage() {
        java.util.EnumSet<WeightMatrix.Storage> used = java.util.EnumSet.of(lmHead.storage);
        for (int l = 0; l < wqkv.length; l++) {
            java.util.Collections.addAll(used, wqkv[l].storage, wo[l].storage, wGateUp[l].storage, wDown[l].storage);
        }
        return used.stream().map(Enum::name).collect(java.util.stream.Collectors.joining("+"));
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
     * @param panel as in the constructor
     * @param inputScale per-input factors folded into the rows (a preceding RMSNorm's weight), or null
     */
    private static WeightMatrix inOut(int panel, int in, float[] inputScale, WeightTensor... parts) {
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
        return panel > 0 ? WeightMatrix.compact(out, in, totalOut, panel) : WeightMatrix.floats(out, in, totalOut);
    }
}
