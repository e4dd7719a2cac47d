package dev.dyspec.core.checkpoint;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Loads a llama2.c v0 checkpoint ({@code .bin}: seven int32 header fields, then float32 weights).
 * llama2.c rotates interleaved (even, odd) pairs; the q/k rows are permuted here into the
 * Hugging Face rotate-half layout so that one forward serves both formats with identical logits.
 */
public final class Llama2cCheckpointLoader {

    private static final int HEADER_INTS = 7;
    private static final int VERSIONED_MAGIC = 0x616b3432; // "ak42": llama2.c's later export formats

    private Llama2cCheckpointLoader() {
    }

    public static Checkpoint load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(file, "file not found");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < HEADER_INTS * 4L) {
                throw new CheckpointException(file, "truncated llama2.c checkpoint: " + size + " bytes, shorter than its header");
            }
            MappedByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
            buf.order(ByteOrder.LITTLE_ENDIAN);
            IntBuffer header = buf.asIntBuffer();
            if (header.get(0) == VERSIONED_MAGIC) {
                throw new CheckpointException(file, "llama2.c checkpoint version " + header.get(1)
                        + " is not supported; export it in the legacy v0 format (--version 0)");
            }
            int dim = header.get(0);
            int hidden = header.get(1);
            int layers = header.get(2);
            int heads = header.get(3);
            int kvHeads = header.get(4);
            int vocabSigned = header.get(5);
            int seqLen = header.get(6);
            ModelConfig config;
            try {
                config = new ModelConfig(dim, hidden, layers, heads, kvHeads, Math.abs(vocabSigned), 1e-5, 10000.0,
                        seqLen, vocabSigned > 0, 1, 2);
            } catch (IllegalArgumentException e) {
                throw new CheckpointException(file, "not a llama2.c v0 checkpoint, invalid header: " + e.getMessage());
            }
            long expectedFloats = expectedFloats(config);
            long actualFloats = (size - HEADER_INTS * 4L) / 4;
            if (actualFloats < expectedFloats) {
                throw new CheckpointException(file, "truncated llama2.c checkpoint: header implies " + expectedFloats
                        + " floats of weights, file has " + actualFloats);
            }
            if (actualFloats > expectedFloats) {
                throw new CheckpointException(file, "file has " + (actualFloats - expectedFloats)
                        + " floats more than its header implies; not a llama2.c v0 checkpoint of that shape");
            }
            buf.position(HEADER_INTS * 4);
            FloatBuffer floats = buf.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            Map<String, WeightTensor> weights = readWeights(config, floats);
            weights.values().forEach(t -> t.requireFinite(file));
            return new Checkpoint(file, config, weights);
        } catch (IOException e) {
            throw new CheckpointException(file, "cannot read: " + e.getMessage(), e);
        }
    }

    private static long expectedFloats(ModelConfig c) {
        long d = c.hiddenSize();
        long kv = c.kvDim();
        long l = c.numLayers();
        long n = c.vocabSize() * d              // token embeddings
                + l * d                         // attention norms
                + l * d * d + 2 * l * d * kv    // wq, wk, wv
                + l * d * d                     // wo
                + l * d                         // ffn norms
                + 3 * l * d * c.intermediateSize()
                + d                             // final norm
                + c.maxPositions() * (long) c.headSize(); // freq_cis real + imag, unused
        return c.tiedEmbeddings() ? n : n + c.vocabSize() * d;
    }

    private static Map<String, WeightTensor> readWeights(ModelConfig c, FloatBuffer in) {
        int d = c.hiddenSize();
        int kv = c.kvDim();
        int hid = c.intermediateSize();
        int layers = c.numLayers();
        float[] embed = take(in, c.vocabSize() * d);
        float[][] attnNorm = takeLayers(in, layers, d);
        float[][] wq = takeLayers(in, layers, d * d);
        float[][] wk = takeLayers(in, layers, kv * d);
        float[][] wv = takeLayers(in, layers, kv * d);
        float[][] wo = takeLayers(in, layers, d * d);
        float[][] ffnNorm = takeLayers(in, layers, d);
        float[][] w1 = takeLayers(in, layers, hid * d);
        float[][] w2 = takeLayers(in, layers, d * hid);
        float[][] w3 = takeLayers(in, layers, hid * d);
        float[] finalNorm = take(in, d);
        in.position(in.position() + c.maxPositions() * c.headSize()); // precomputed freq_cis: recomputed instead

        Map<String, WeightTensor> w = new LinkedHashMap<>();
        put(w, LlamaTensorNames.EMBED, embed, c.vocabSize(), d);
        for (int l = 0; l < layers; l++) {
            put(w, LlamaTensorNames.layer(l, LlamaTensorNames.ATTN_NORM), attnNorm[l], d);
            put(w, LlamaTensorNames.layer(l, LlamaTensorNames.Q), interleavedToRotateHalf(wq[l], c.numHeads(), c.headSize(), d), d, d);
            put(w, LlamaTensorNames.layer(l, LlamaTensorNames.K), interleavedToRotateHalf(wk[l], c.numKvHeads(), c.headSize(), d), kv, d);
            put(w, LlamaTensorNames.layer(l, LlamaTensorNames.V), wv[l], kv, d);
            put(w, LlamaTensorNames.layer(l, LlamaTensorNames.O), wo[l], d, d);
            put(w, LlamaTensorNames.layer(l, LlamaTensorNames.FFN_NORM), ffnNorm[l], d);
            put(w, LlamaTensorNames.layer(l, LlamaTensorNames.GATE), w1[l], hid, d);
            put(w, LlamaTensorNames.layer(l, LlamaTensorNames.DOWN), w2[l], d, hid);
            put(w, LlamaTensorNames.layer(l, LlamaTensorNames.UP), w3[l], hid, d);
        }
        put(w, LlamaTensorNames.FINAL_NORM, finalNorm, d);
        if (!c.tiedEmbeddings()) {
            put(w, LlamaTensorNames.LM_HEAD, take(in, c.vocabSize() * d), c.vocabSize(), d);
        }
        return w;
    }

    /**
     * Row (head h, 2j) moves to (h, j) and row (h, 2j+1) to (h, headSize/2 + j): the same permutation
     * Hugging Face's conversion script applies, so rotate-half RoPE reproduces interleaved RoPE.
     */
    static float[] interleavedToRotateHalf(float[] rows, int heads, int headSize, int cols) {
        float[] out = new float[rows.length];
        int half = headSize / 2;
        for (int h = 0; h < heads; h++) {
            for (int j = 0; j < half; j++) {
                int base = h * headSize;
                System.arraycopy(rows, (base + 2 * j) * cols, out, (base + j) * cols, cols);
                System.arraycopy(rows, (base + 2 * j + 1) * cols, out, (base + half + j) * cols, cols);
            }
        }
        return out;
    }

    private static void put(Map<String, WeightTensor> w, String name, float[] data, int... shape) {
        w.put(name, new WeightTensor(name, shape, data));
    }

    private static float[] take(FloatBuffer in, int n) {
        float[] a = new float[n];
        in.get(a);
        return a;
    }

    private static float[][] takeLayers(FloatBuffer in, int layers, int n) {
        float[][] a = new float[layers][];
        for (int l = 0; l < layers; l++) {
            a[l] = take(in, n);
        }
        return a;
    }
}
