package dev.dyspec.core.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.dyspec.core.checkpoint.Checkpoint;
import dev.dyspec.core.checkpoint.LlamaTensorNames;
import dev.dyspec.core.checkpoint.ModelConfig;
import dev.dyspec.core.checkpoint.WeightTensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Llama model whose weights are trainable NDArrays (Hugging Face names and [out, in] layout), with
 * a full causal forward over a batch of sequences for training and evaluation. Serving uses
 * {@link dev.dyspec.core.model.CausalLm}; both read the same checkpoint format.
 */
public final class TrainableLlama implements AutoCloseable {

    private static final float MASKED = -1e9f; // -inf would turn fully masked rows into NaN

    private final ModelConfig config;
    private final NDManager manager;
    private final Map<String, NDArray> params = new LinkedHashMap<>();
    private final NDArray rotateHalf;   // (head_size, head_size)
    private final NDArray cos;          // (max_positions, head_size)
    private final NDArray sin;          // (max_positions, head_size)
    private final NDArray attentionScale; // () 1/√head_size
    private final NDArray normEps;        // () rms_norm_eps
    private final NDArray inverseRoot;    // () -0.5

    public TrainableLlama(Checkpoint checkpoint, NDManager parent) {
        this.config = checkpoint.config();
        if (config.numKvHeads() != config.numHeads()) {
            throw new IllegalArgumentException("training supports num_key_value_heads == num_attention_heads only");
        }
        this.manager = parent.newSubManager();
        for (Map.Entry<String, WeightTensor> e : checkpoint.weights().entrySet()) {
            int[] s = e.getValue().shape();
            long[] shape = new long[s.length];
            for (int i = 0; i < s.length; i++) {
                shape[i] = s[i];
            }
            NDArray p = TorchOwned.floats(manager, e.getValue().data(), new Shape(shape));
            p.setRequiresGradient(true);
            params.put(e.getKey(), p);
        }
        int hd = config.headSize();
        float[] r = new float[hd * hd];
        int half = hd / 2;
        for (int j = 0; j < half; j++) {
            r[(j + half) * hd + j] = -1f;
            r[j * hd + j + half] = 1f;
        }
        rotateHalf = TorchOwned.floats(manager, r, new Shape(hd, hd));
        float[] c = new float[config.maxPositions() * hd];
        float[] sn = new float[config.maxPositions() * hd];
        for (int p = 0; p < config.maxPositions(); p++) {
            for (int j = 0; j < half; j++) {
                double angle = p * Math.pow(config.ropeTheta(), -2.0 * j / hd);
                c[p * hd + j] = c[p * hd + half + j] = (float) Math.cos(angle);
                sn[p * hd + j] = sn[p * hd + half + j] = (float) Math.sin(angle);
            }
        }
        cos = TorchOwned.floats(manager, c, new Shape(config.maxPositions(), hd));
        sin = TorchOwned.floats(manager, sn, new Shape(config.maxPositions(), hd));
        attentionScale = TorchOwned.scalar(manager, (float) (1.0 / Math.sqrt(hd)));
        normEps = TorchOwned.scalar(manager, (float) config.rmsNormEps());
        inverseRoot = TorchOwned.scalar(manager, -0.5f);
    }

    public ModelConfig config() {
        return config;
    }

    public Map<String, NDArray> parameters() {
        return params;
    }

    public NDManager manager() {
        return manager;
    }

    private NDArray p(String name) {
        return params.get(name);
    }

    private NDArray layer(int l, String suffix) {
        return params.get(LlamaTensorNames.layer(l, suffix));
    }

    /** (batch, time) token ids → (batch, time, vocab) logits, each position seeing itself and earlier ones. */
    public NDArray forward(NDArray tokens) {
        long b = tokens.getShape().get(0);
        long t = tokens.getShape().get(1);
        int d = config.hiddenSize();
        int h = config.numHeads();
        int hd = config.headSize();
        NDArray x = p(LlamaTensorNames.EMBED).get(new NDIndex("{}", tokens.flatten())).reshape(b, t, d);
        NDArray c = cos.get(new NDIndex("0:{}", t)).reshape(1, 1, t, hd);
        NDArray s = sin.get(new NDIndex("0:{}", t)).reshape(1, 1, t, hd);
        float[] maskData = new float[(int) (t * t)];
        for (int i = 0; i < t; i++) {
            for (int j = i + 1; j < t; j++) {
                maskData[(int) (i * t + j)] = MASKED;
            }
        }
        NDArray mask = TorchOwned.floats(manager, maskData, new Shape(t, t));
        for (int l = 0; l < config.numLayers(); l++) {
            NDArray hIn = rmsNorm(x, layer(l, LlamaTensorNames.ATTN_NORM));
            NDArray q = heads(hIn.matMul(layer(l, LlamaTensorNames.Q).transpose()), b, t, h, hd);
            NDArray k = heads(hIn.matMul(layer(l, LlamaTensorNames.K).transpose()), b, t, h, hd);
            NDArray v = heads(hIn.matMul(layer(l, LlamaTensorNames.V).transpose()), b, t, h, hd);
            q = q.mul(c).add(q.matMul(rotateHalf).mul(s));
            k = k.mul(c).add(k.matMul(rotateHalf).mul(s));
            NDArray att = q.matMul(k.transpose(0, 1, 3, 2)).mul(attentionScale).add(mask).softmax(-1);
            NDArray o = att.matMul(v).transpose(0, 2, 1, 3).reshape(b, t, d);
            x = x.add(o.matMul(layer(l, LlamaTensorNames.O).transpose()));
            NDArray f = rmsNorm(x, layer(l, LlamaTensorNames.FFN_NORM));
            NDArray gate = f.matMul(layer(l, LlamaTensorNames.GATE).transpose());
            NDArray up = f.matMul(layer(l, LlamaTensorNames.UP).transpose());
            x = x.add(Activation.sigmoid(gate).mul(gate).mul(up).matMul(layer(l, LlamaTensorNames.DOWN).transpose()));
        }
        NDArray head = config.tiedEmbeddings() ? p(LlamaTensorNames.EMBED) : p(LlamaTensorNames.LM_HEAD);
        return rmsNorm(x, p(LlamaTensorNames.FINAL_NORM)).matMul(head.transpose());
    }

    private static NDArray heads(NDArray x, long b, long t, int h, int hd) {
        return x.reshape(b, t, h, hd).transpose(0, 2, 1, 3);
    }

    private NDArray rmsNorm(NDArray x, NDArray weight) {
        NDArray ms = x.square().mean(new int[] {-1}, true);
        return x.mul(ms.add(normEps).pow(inverseRoot)).mul(weight);
    }

    /** Mean cross-entropy of next-token prediction: logits (B, T, V) against targets (B, T). */
    public static NDArray crossEntropy(NDArray logits, NDArray targets) {
        NDArray logp = logits.logSoftmax(-1);
        return logp.gather(targets.expandDims(-1), -1).mean().neg();
    }

    /**
     * Distillation loss: cross-entropy of the student's tempered distribution against the teacher's
     * (KL up to a constant), scaled by T² as usual so gradients keep their size across temperatures.
     */
    public static NDArray distillation(NDArray studentLogits, NDArray teacherLogits, float temperature) {
        NDArray t = TorchOwned.scalar(studentLogits.getManager(), temperature);
        NDArray tSquared = TorchOwned.scalar(studentLogits.getManager(), temperature * temperature);
        NDArray teacher = teacherLogits.div(t).softmax(-1).stopGradient();
        NDArray student = studentLogits.div(t).logSoftmax(-1);
        return teacher.mul(student).sum(new int[] {-1}).mean().neg().mul(tSquared);
    }

    /** The current weights as a checkpoint (copied to Java memory). */
    public Checkpoint snapshot(java.nio.file.Path source) {
        Map<String, WeightTensor> w = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            long[] s = e.getValue().getShape().getShape();
            int[] shape = new int[s.length];
            for (int i = 0; i < s.length; i++) {
                shape[i] = (int) s[i];
            }
            w.put(e.getKey(), new WeightTensor(e.getKey(), shape, e.getValue().toType(DataType.FLOAT32, false).toFloatArray()));
        }
        return new Checkpoint(source, config, w);
    }

    @Override
    public void close() {
        manager.close();
    }
}
