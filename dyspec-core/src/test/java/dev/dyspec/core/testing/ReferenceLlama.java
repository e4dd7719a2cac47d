package dev.dyspec.core.testing;

import dev.dyspec.core.checkpoint.LlamaTensorNames;
import dev.dyspec.core.checkpoint.ModelConfig;
import dev.dyspec.core.checkpoint.WeightTensor;
import java.util.Map;

/**
 * A plain double-precision forward of the Llama layout and its families (biases, per-head q/k norm,
 * explicit head_dim, linear and llama3 RoPE scaling), written for clarity from the reference
 * implementations' math, to check the engine against. It runs a whole causal sequence from scratch and
 * supports both RoPE conventions natively.
 */
public final class ReferenceLlama {

    private final ModelConfig c;
    private final Map<String, WeightTensor> w;
    private final boolean interleaved;

    /** @param interleaved true for llama2.c's (even, odd) pairs, false for Hugging Face's rotate-half */
    public ReferenceLlama(ModelConfig config, Map<String, WeightTensor> weights, boolean interleaved) {
        this.c = config;
        this.w = weights;
        this.interleaved = interleaved;
    }

    /** (tokens, vocab) logits of every position of the sequence. */
    public double[][] logits(int[] tokens) {
        int n = tokens.length;
        int d = c.hiddenSize();
        int hd = c.headSize();
        int kvDim = c.kvDim();
        double[][] x = new double[n][];
        for (int t = 0; t < n; t++) {
            x[t] = row(LlamaTensorNames.EMBED, tokens[t], d);
        }
        for (int l = 0; l < c.numLayers(); l++) {
            double[][] q = new double[n][];
            double[][] k = new double[n][];
            double[][] v = new double[n][];
            for (int t = 0; t < n; t++) {
                double[] h = rmsNorm(x[t], vec(LlamaTensorNames.layer(l, LlamaTensorNames.ATTN_NORM)));
                q[t] = rope(headNorm(l, LlamaTensorNames.Q_NORM, linear(l, LlamaTensorNames.Q, h)), t, c.numHeads());
                k[t] = rope(headNorm(l, LlamaTensorNames.K_NORM, linear(l, LlamaTensorNames.K, h)), t, c.numKvHeads());
                v[t] = linear(l, LlamaTensorNames.V, h);
            }
            int group = c.numHeads() / c.numKvHeads();
            for (int t = 0; t < n; t++) {
                double[] att = new double[c.numHeads() * hd];
                for (int head = 0; head < c.numHeads(); head++) {
                    int kvOff = (head / group) * hd;
                    double[] s = new double[t + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int u = 0; u <= t; u++) {
                        double dot = 0;
                        for (int i = 0; i < hd; i++) {
                            dot += q[t][head * hd + i] * k[u][kvOff + i];
                        }
                        s[u] = dot / Math.sqrt(hd);
                        max = Math.max(max, s[u]);
                    }
                    double sum = 0;
                    for (int u = 0; u <= t; u++) {
                        s[u] = Math.exp(s[u] - max);
                        sum += s[u];
                    }
                    for (int u = 0; u <= t; u++) {
                        for (int i = 0; i < hd; i++) {
                            att[head * hd + i] += s[u] / sum * v[u][kvOff + i];
                        }
                    }
                }
                add(x[t], linear(l, LlamaTensorNames.O, att));
                double[] h = rmsNorm(x[t], vec(LlamaTensorNames.layer(l, LlamaTensorNames.FFN_NORM)));
                double[] gate = linear(l, LlamaTensorNames.GATE, h);
                double[] up = linear(l, LlamaTensorNames.UP, h);
                for (int i = 0; i < gate.length; i++) {
                    gate[i] = gate[i] / (1 + Math.exp(-gate[i])) * up[i];
                }
                add(x[t], linear(l, LlamaTensorNames.DOWN, gate));
            }
            assert kvDim == k[0].length;
        }
        String head = c.tiedEmbeddings() ? LlamaTensorNames.EMBED : LlamaTensorNames.LM_HEAD;
        double[][] out = new double[n][];
        for (int t = 0; t < n; t++) {
            out[t] = matVec(w.get(head), rmsNorm(x[t], vec(LlamaTensorNames.FINAL_NORM)));
        }
        return out;
    }

    /** Qwen3: RMSNorm of each head's slice of q or k, with one weight shared by all heads. */
    private double[] headNorm(int layer, String suffix, double[] x) {
        if (!c.architecture().qkNorm()) {
            return x;
        }
        double[] weight = vec(LlamaTensorNames.layer(layer, suffix));
        int hd = c.headSize();
        double[] out = new double[x.length];
        for (int h = 0; h < x.length / hd; h++) {
            double[] head = java.util.Arrays.copyOfRange(x, h * hd, (h + 1) * hd);
            System.arraycopy(rmsNorm(head, weight), 0, out, h * hd, hd);
        }
        return out;
    }

    /** The inverse frequency of pair j, as transformers' rope initialisation computes it. */
    private double inverseFrequency(int j) {
        int hd = c.headSize();
        double inv = 1.0 / Math.pow(c.ropeTheta(), (2.0 * j) / hd);
        var r = c.architecture().rope();
        if (r.type().equals("linear")) {
            return inv / r.factor();
        }
        if (r.type().equals("llama3")) {
            double wavelen = 2 * Math.PI / inv;
            double lowFreqWavelen = r.originalMaxPositions() / r.lowFreqFactor();
            double highFreqWavelen = r.originalMaxPositions() / r.highFreqFactor();
            double scaled = wavelen > lowFreqWavelen ? inv / r.factor() : inv;
            boolean medium = !(wavelen < highFreqWavelen) && !(wavelen > lowFreqWavelen);
            if (medium) {
                double smooth = (r.originalMaxPositions() / wavelen - r.lowFreqFactor()) / (r.highFreqFactor() - r.lowFreqFactor());
                scaled = (1 - smooth) * scaled / r.factor() + smooth * scaled;
            }
            return scaled;
        }
        return inv;
    }

    private double[] rope(double[] x, int pos, int heads) {
        int hd = c.headSize();
        double[] out = x.clone();
        for (int h = 0; h < heads; h++) {
            for (int j = 0; j < hd / 2; j++) {
                double angle = pos * inverseFrequency(j);
                int a = interleaved ? h * hd + 2 * j : h * hd + j;
                int b = interleaved ? a + 1 : a + hd / 2;
                out[a] = x[a] * Math.cos(angle) - x[b] * Math.sin(angle);
                out[b] = x[a] * Math.sin(angle) + x[b] * Math.cos(angle);
            }
        }
        return out;
    }

    private double[] rmsNorm(double[] x, double[] weight) {
        double ss = 0;
        for (double v : x) {
            ss += v * v;
        }
        double scale = 1 / Math.sqrt(ss / x.length + c.rmsNormEps());
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] * scale * weight[i];
        }
        return out;
    }

    /** x W^T, plus the bias when the checkpoint has one ({@code ...weight} → {@code ...bias}). */
    private double[] linear(int layer, String suffix, double[] x) {
        double[] out = matVec(w.get(LlamaTensorNames.layer(layer, suffix)), x);
        WeightTensor bias = w.get(LlamaTensorNames.layer(layer, suffix.replace(".weight", ".bias")));
        if (bias != null) {
            for (int i = 0; i < out.length; i++) {
                out[i] += bias.data()[i];
            }
        }
        return out;
    }

    private static double[] matVec(WeightTensor m, double[] x) {
        int rows = m.shape()[0];
        int cols = m.shape()[1];
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int k = 0; k < cols; k++) {
                s += m.data()[r * cols + k] * x[k];
            }
            out[r] = s;
        }
        return out;
    }

    private double[] vec(String name) {
        float[] f = w.get(name).data();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private double[] row(String name, int r, int cols) {
        float[] f = w.get(name).data();
        double[] d = new double[cols];
        for (int i = 0; i < cols; i++) {
            d[i] = f[r * cols + i];
        }
        return d;
    }

    private static void add(double[] a, double[] b) {
        for (int i = 0; i < a.length; i++) {
            a[i] += b[i];
        }
    }
}
