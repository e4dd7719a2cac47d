package dev.dyspec.core.checkpoint;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** The Hugging Face Llama-layout tensor names (shared by every family we load) and the shape each must have. */
public final class LlamaTensorNames {

    public static final String EMBED = "model.embed_tokens.weight";
    public static final String FINAL_NORM = "model.norm.weight";
    public static final String LM_HEAD = "lm_head.weight";

    private LlamaTensorNames() {
    }

    public static String layer(int layer, String suffix) {
        return "model.layers." + layer + "." + suffix;
    }

    public static final String ATTN_NORM = "input_layernorm.weight";
    public static final String Q = "self_attn.q_proj.weight";
    public static final String K = "self_attn.k_proj.weight";
    public static final String V = "self_attn.v_proj.weight";
    public static final String O = "self_attn.o_proj.weight";
    public static final String FFN_NORM = "post_attention_layernorm.weight";
    public static final String GATE = "mlp.gate_proj.weight";
    public static final String UP = "mlp.up_proj.weight";
    public static final String DOWN = "mlp.down_proj.weight";
    public static final String Q_BIAS = "self_attn.q_proj.bias";
    public static final String K_BIAS = "self_attn.k_proj.bias";
    public static final String V_BIAS = "self_attn.v_proj.bias";
    public static final String O_BIAS = "self_attn.o_proj.bias";
    public static final String GATE_BIAS = "mlp.gate_proj.bias";
    public static final String UP_BIAS = "mlp.up_proj.bias";
    public static final String DOWN_BIAS = "mlp.down_proj.bias";
    public static final String Q_NORM = "self_attn.q_norm.weight";
    public static final String K_NORM = "self_attn.k_norm.weight";

    /** Every tensor the model needs, with its expected shape, in load order. */
    public static Map<String, int[]> expectedShapes(ModelConfig c) {
        Map<String, int[]> m = new LinkedHashMap<>();
        int d = c.hiddenSize();
        int qDim = c.qDim();
        Architecture a = c.architecture();
        m.put(EMBED, new int[] {c.vocabSize(), d});
        for (int l = 0; l < c.numLayers(); l++) {
            m.put(layer(l, ATTN_NORM), new int[] {d});
            m.put(layer(l, Q), new int[] {qDim, d});
            m.put(layer(l, K), new int[] {c.kvDim(), d});
            m.put(layer(l, V), new int[] {c.kvDim(), d});
            m.put(layer(l, O), new int[] {d, qDim});
            m.put(layer(l, FFN_NORM), new int[] {d});
            m.put(layer(l, GATE), new int[] {c.intermediateSize(), d});
            m.put(layer(l, UP), new int[] {c.intermediateSize(), d});
            m.put(layer(l, DOWN), new int[] {d, c.intermediateSize()});
            if (a.qkvBias()) {
                m.put(layer(l, Q_BIAS), new int[] {qDim});
                m.put(layer(l, K_BIAS), new int[] {c.kvDim()});
                m.put(layer(l, V_BIAS), new int[] {c.kvDim()});
            }
            if (a.outputBias()) {
                m.put(layer(l, O_BIAS), new int[] {d});
            }
            if (a.mlpBias()) {
                m.put(layer(l, GATE_BIAS), new int[] {c.intermediateSize()});
                m.put(layer(l, UP_BIAS), new int[] {c.intermediateSize()});
                m.put(layer(l, DOWN_BIAS), new int[] {d});
            }
            if (a.qkNorm()) {
                m.put(layer(l, Q_NORM), new int[] {c.headSize()});
                m.put(layer(l, K_NORM), new int[] {c.headSize()});
            }
        }
        m.put(FINAL_NORM, new int[] {d});
        if (!c.tiedEmbeddings()) {
            m.put(LM_HEAD, new int[] {c.vocabSize(), d});
        }
        return m;
    }

    /** Fails with the file and tensor named when a shape disagrees with the config. */
    public static void checkShape(Path file, String name, int[] actual, int[] expected) {
        if (!Arrays.equals(actual, expected)) {
            throw new CheckpointException(file, "tensor '" + name + "' has shape " + Arrays.toString(actual)
                    + " but config.json implies " + Arrays.toString(expected));
        }
    }
}
