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
import dev.dyspec.core.checkpoint.ModelConfig;
import java.util.List;

/**
 * The forward as DJL/libtorch tensor operations: runs on any device DJL's PyTorch engine has (GPUs
 * included). Each operation is a JNI call plus libtorch dispatch, ≈ 50 per layer, which on a small model
 * on a CPU costs more than the arithmetic (docs/bench/forward-profile.md).
 */
final class TorchKernel implements ForwardKernel {

    private static final int[] LAST_AXIS = {-1};

    private final ModelConfig config;
    private final NDManager manager;
    private final RotaryTable rotary;
    private final int scoredVocab;
    private final NDArray embed;        // (vocab, dim)
    private final NDArray[] wqkv;       // (layer) (dim, (n_heads + 2 * n_kv_heads) * head_size)
    private final NDArray[] wo;         // (layer) (n_heads * head_size, dim)
    private final NDArray[] wGateUp;    // (layer) (dim, 2 * hidden)
    private final NDArray[] wDown;      // (layer) (hidden, dim)
    private final NDArray lmHead;       // (dim, scored_vocab)
    private final NDArray rotateHalf;   // (head_size, head_size): x @ R = concat(-x2, x1)
    private final NDArray[] bqkv;       // optional, by architecture (null when absent); see PreparedWeights
    private final NDArray[] qkNorm;
    private final NDArray[] bo;
    private final NDArray[] bGateUp;
    private final NDArray[] bDown;

    // Slices reused every forward: building an NDIndex from a string parses it each time.
    private final NDIndex qkColumns;
    private final NDIndex vColumns;
    private final NDIndex qHeads;
    private final NDIndex kHeads;
    private final NDIndex gateColumns;
    private final NDIndex upColumns;

    TorchKernel(PreparedWeights w, RotaryTable rotary, Device device) {
        this.config = w.config;
        this.rotary = rotary;
        this.scoredVocab = w.scoredVocab;
        this.manager = NDManager.newBaseManager(device, "PyTorch");
        try {
            int d = config.hiddenSize();
            int hidden = config.intermediateSize();
            embed = upload(w.embed, config.vocabSize(), d);
            wqkv = upload(w.wqkv);
            wo = upload(w.wo);
            wGateUp = upload(w.wGateUp);
            wDown = upload(w.wDown);
            lmHead = upload(w.lmHead);
            bqkv = upload(w.bqkv, w.qkvWidth());
            qkNorm = upload(w.qkNorm, config.numHeads() + config.numKvHeads(), config.headSize());
            bo = upload(w.bo, d);
            bGateUp = upload(w.bGateUp, 2L * hidden);
            bDown = upload(w.bDown, d);
            rotateHalf = upload(rotateHalfMatrix(config.headSize()), config.headSize(), config.headSize());
            int qkWidth = (config.numHeads() + config.numKvHeads()) * config.headSize();
            qkColumns = new NDIndex().addAllDim().addSliceDim(0, qkWidth);
            vColumns = new NDIndex().addAllDim().addSliceDim(qkWidth, qkWidth + config.kvDim());
            qHeads = new NDIndex().addAllDim().addSliceDim(0, config.numHeads());
            kHeads = new NDIndex().addAllDim().addSliceDim(config.numHeads(), config.numHeads() + config.numKvHeads());
            gateColumns = new NDIndex().addAllDim().addSliceDim(0, hidden);
            upColumns = new NDIndex().addAllDim().addSliceDim(hidden, 2L * hidden);
        } catch (RuntimeException | Error e) {
            manager.close(); // a weight that fails to upload leaves no native memory behind
            throw e;
        }
    }

    private NDArray upload(float[] data, long... shape) {
        return manager.create(data, new Shape(shape));
    }

    /** Folded weights are F32 ({@link PreparedWeights}); libtorch computes in their layout. */
    private NDArray upload(WeightMatrix m) {
        return upload(m.floats, m.in, m.out);
    }

    private NDArray[] upload(WeightMatrix[] perLayer) {
        NDArray[] out = new NDArray[perLayer.length];
        for (int l = 0; l < perLayer.length; l++) {
            out[l] = upload(perLayer[l]);
        }
        return out;
    }

    private NDArray[] upload(float[][] perLayer, long... shape) {
        if (perLayer == null) {
            return null;
        }
        NDArray[] out = new NDArray[perLayer.length];
        for (int l = 0; l < perLayer.length; l++) {
            out[l] = upload(perLayer[l], shape);
        }
        return out;
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

    @Override
    public KvStorage newStorage(int slots, int capacity) {
        return new TorchKvStorage(manager, config.numLayers(), config.numKvHeads(), config.headSize(), (long) slots * capacity);
    }

    @Override
    public float[] run(List<CausalLm.Rows> batch, int[] offset, int total, int[] headRows) {
        int heads = config.numHeads();
        int kvHeads = config.numKvHeads();
        int hd = config.headSize();
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            long[] ids = new long[total];
            int[] allPositions = new int[total];
            for (int b = 0; b < batch.size(); b++) {
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
                    qk = rmsNormalized(qk).muli(qkNorm[l]);                                       // per head, over hd
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
            if (headRows.length == 0) {
                return null;
            }
            NDArray h = headRows.length == total ? x : x.get(new NDIndex("{}", manager.create(
                    java.util.Arrays.stream(headRows).asLongStream().toArray())));
            return rmsNormalized(h).matMul(lmHead).toFloatArray();
        }
    }

    /** x / sqrt(mean(x²) + eps) over the last axis; the norm's weight lives in the next projection. */
    private NDArray rmsNormalized(NDArray x) {
        NDArray meanSquare = x.square().mean(LAST_AXIS, true);
        return x.mul(meanSquare.addi(config.rmsNormEps()).powi(-0.5));
    }

    @Override
    public void close() {
        manager.close();
    }
}
