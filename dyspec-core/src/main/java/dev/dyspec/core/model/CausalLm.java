package dev.dyspec.core.model;

import ai.djl.Device;
import dev.dyspec.core.checkpoint.Checkpoint;
import dev.dyspec.core.checkpoint.ModelConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * A Llama-layout decoder; one forward serves draft and target, of every family we load: the family's
 * {@link dev.dyspec.core.checkpoint.Architecture} switches on biases, a per-head q/k norm and RoPE
 * scaling. A forward scores n new tokens with explicit positions against a {@link KvCache}: every new
 * token sees the committed prefix plus whichever scratch entries and new tokens its mask allows, so a
 * whole token tree is scored in one call. The arithmetic is a {@link ForwardKernel}'s ({@link
 * ForwardBackend}): plain Java on CPUs, DJL's PyTorch engine elsewhere; this class checks the inputs and
 * keeps the caches' bookkeeping.
 */
public final class CausalLm implements AutoCloseable {

    /** Additive mask value; -inf produces NaN when a row is fully masked, a large finite value does not. */
    static final float MASKED = -1e9f;

    private final ModelConfig config;
    private final int scoredVocab;
    private final int rotaryPositions;
    private final Device device;
    private final ForwardBackend backend;
    private final String weightStorage;
    private final ForwardKernel kernel;
    private final List<ForwardObserver> observers = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * @param rotaryPositions positions the rotary table covers: the context limit plus the largest tree
     */
    public CausalLm(Checkpoint checkpoint, Device device, int rotaryPositions) {
        this(checkpoint, device, rotaryPositions, checkpoint.config().vocabSize());
    }

    public CausalLm(Checkpoint checkpoint, Device device, int rotaryPositions, int scoredVocab) {
        this(checkpoint, device, rotaryPositions, scoredVocab, ForwardBackend.defaultFor(device));
    }

    /**
     * @param scoredVocab logit columns a forward returns: the tokenizer's real tokens. Embedding rows past
     *     them (padding, as in Qwen2.5's 151,936 rows for 151,665 tokens) are never scored, so they have
     *     probability zero for every strategy and a pair may differ in padding.
     */
    public CausalLm(Checkpoint checkpoint, Device device, int rotaryPositions, int scoredVocab, ForwardBackend backend) {
        this(checkpoint, device, rotaryPositions, scoredVocab, backend, ForwardThreads.defaultThreads());
    }

    /** @param forwardThreads threads the Java kernel's forward may share its work with, its caller included */
    CausalLm(Checkpoint checkpoint, Device device, int rotaryPositions, int scoredVocab, ForwardBackend backend,
             int forwardThreads) {
        this.config = checkpoint.config();
        PreparedWeights weights = new PreparedWeights(checkpoint, scoredVocab, backend == ForwardBackend.JAVA ? HalfMatmul.panelColumns() : 0);
        this.scoredVocab = scoredVocab;
        this.rotaryPositions = rotaryPositions;
        this.device = device;
        this.backend = backend;
        this.weightStorage = weights.storage();
        RotaryTable rotary = new RotaryTable(config.headSize(), rotaryPositions, config.ropeTheta(), config.architecture().rope());
        this.kernel = backend == ForwardBackend.JAVA ? new JavaKernel(weights, rotary, forwardThreads) : new TorchKernel(weights, rotary, device);
    }

    public ModelConfig config() {
        return config;
    }

    /** Length of each logits row: the tokenizer's tokens (at most the embedding rows). */
    public int scoredVocab() {
        return scoredVocab;
    }

    public Device device() {
        return device;
    }

    /** Which kernel computes this model's forward. */
    public ForwardBackend backend() {
        return backend;
    }

    /**
     * How the projection weights are held: {@code F32}, or {@code F16}/{@code BF16} where the Java kernel
     * keeps a half-precision checkpoint's values in 2 bytes each ({@code F16+F32} when some matrices hold
     * values the half format cannot).
     */
    public String weightStorage() {
        return weightStorage;
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
        return new KvPool(kernel, slots, capacity);
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
        // the output head runs only over rows whose sequence wants logits (not over prefill chunks)
        int scored = 0;
        for (Rows r : batch) {
            scored += wantLogits && r.wantLogits() ? r.tokens().length : 0;
        }
        int[] headRows = new int[scored];
        for (int b = 0, at = 0; b < sequences; b++) {
            if (wantLogits && batch.get(b).wantLogits()) {
                for (int row = offset[b]; row < offset[b] + batch.get(b).tokens().length; row++) {
                    headRows[at++] = row;
                }
            }
        }
        long start = System.nanoTime();
        float[] flat = kernel.run(batch, offset, total, headRows);
        List<float[][]> results = new ArrayList<>(sequences);
        int at = 0; // start of the next scored row in flat
        for (Rows r : batch) {
            float[][] rows = null;
            if (wantLogits && r.wantLogits()) {
                rows = new float[r.tokens().length][];
                for (int i = 0; i < rows.length; i++, at += scoredVocab) {
                    rows[i] = java.util.Arrays.copyOfRange(flat, at, at + scoredVocab);
                }
            }
            results.add(rows);
        }
        for (Rows r : batch) {
            r.cache().advance(r.tokens().length);
        }
        if (!observers.isEmpty()) {
            long nanos = System.nanoTime() - start;
            for (ForwardObserver o : observers) {
                o.forwarded(total, scored, nanos);
            }
        }
        return results;
    }

    /** {@code observer} hears of every forward from now on, on the thread that ran it. */
    public void observeForwards(ForwardObserver observer) {
        observers.add(observer);
    }

    /**
     * Runs forwards of the sizes decoding uses until the JIT has compiled the kernel: the Java kernel's
     * vector code runs 10-100× slower until it is compiled, which would otherwise fall on the first
     * requests.
     */
    public void warmUp() {
        if (backend != ForwardBackend.JAVA) {
            return;
        }
        int capacity = Math.min(rotaryPositions, 64);
        try (KvCache cache = newCache(capacity)) {
            int[][] shapes = {{1, 300}, {2, 60}, {8, 60}, {16, 20}};
            for (int[] shape : shapes) {
                int n = Math.min(shape[0], capacity);
                int[] tokens = new int[n];
                for (int i = 0; i < shape[1]; i++) {
                    forwardChain(cache, tokens, true);
                    cache.discardScratch();
                }
            }
        }
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

    @Override
    public void close() {
        kernel.close();
    }
}
