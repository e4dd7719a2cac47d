package dev.dyspec.core.model;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Shares {@link JavaKernel}'s work between the calling thread and helper threads: a product is cut into
 * column chunks, attention into (sequence, head) pairs, and every thread claims pieces in turn until none
 * are left, so a helper that the OS has
 * not scheduled yet (a JIT compiler or another process on the core) costs the caller nothing but the
 * chunk it holds. Helpers spin only while a forward runs ({@link #begin} to {@link #end}) and sleep in
 * between: a pool spinning beside other work is what slows libtorch down tenfold on shared cores, and a
 * handoff through a sleeping thread (tens of µs) would cost as much as a small product. Each column is
 * computed by the same loop whichever thread takes it, so results do not depend on the split. One
 * forward at a time uses the helpers; a concurrent one computes alone. Attention is shared too: with a
 * helper idling through it, batched forwards (8 streams, ≈ 27% of a forward in attention) did not gain
 * from a second thread at all.
 */
final class ForwardThreads implements AutoCloseable {

    /** Products smaller than this many multiply-adds are not worth sharing. */
    static final long SPLIT_THRESHOLD = 1L << 16;

    /** Rows from which a forward shares its products. */
    static final int MIN_ROWS = 4;

    /** Multiply-adds from which a forward of any row count shares its products (the shipped target: 7.3 M a row). */
    static final long LARGE_FORWARD = 1L << 22;

    /**
     * How long a helper spins for the next shared loop before it yields its core at every turn: long enough
     * to bridge a layer's unshared steps (norms, rotations, cache stores: µs), short enough that a helper
     * does not burn the core the HTTP threads need while the forward's thread is preempted.
     */
    static final long MAX_SPIN_NANOS = 100_000;

    private final Thread[] helpers;
    /** Per helper, whether it sleeps (or is about to): only those are woken, a wake-up being a system call. */
    private final AtomicIntegerArray asleep;
    private final AtomicBoolean owned = new AtomicBoolean();
    private volatile Task current;
    private volatile boolean awake;
    private volatile boolean closed;

    /** @param threads threads a product may use, the caller included (1: no helpers) */
    ForwardThreads(int threads, String name) {
        helpers = new Thread[Math.max(0, threads - 1)];
        asleep = new AtomicIntegerArray(helpers.length);
        for (int i = 0; i < helpers.length; i++) {
            int index = i;
            helpers[i] = new Thread(() -> help(index), name + "-helper-" + (i + 1));
            helpers[i].setDaemon(true);
            helpers[i].start();
        }
    }

    /**
     * Threads a forward may use: {@code dyspec.forward.threads}, else every processor of a machine of two or
     * fewer, else half the processors, at most 4. On 2 cores two threads used to lose in serving (a helper
     * spinning through attention while the HTTP threads waited for the core); with attention shared and
     * helpers sleeping when idle they win at every load: bench-serve, shipped pair, 1 / 8 / 16 streams,
     * dyspec-calibrated 852-868 / 1,427-1,458 / 1,268-1,382 tokens/s on one thread, 1,068-1,197 /
     * 1,891-1,903 / 1,614-1,745 on two; target-only 1,079-1,208 / 1,694-1,743 / 1,384-1,432 against
     * 1,329-1,453 / 1,729-2,130 / 1,513-1,792.
     */
    static int defaultThreads() {
        String configured = System.getProperty("dyspec.forward.threads");
        if (configured != null && !configured.isBlank()) {
            try {
                return Math.max(1, Integer.parseInt(configured.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("dyspec.forward.threads must be a whole number, got '" + configured + "'");
            }
        }
        int processors = Runtime.getRuntime().availableProcessors();
        return processors <= 2 ? processors : Math.min(4, processors / 2);
    }

    /**
     * Starts a forward: wakes the helpers unless another forward holds them or the forward is too small: fewer
     * than {@link #MIN_ROWS} rows and {@link #LARGE_FORWARD} multiply-adds. Several rows are bound by
     * arithmetic, which a second core halves (shipped target, 8 rows: 2.9 → 1.4 ms). A row of a large model
     * shares too since its weights are read in panels (shipped target, 1 row, F16 kept: 0.75 → 0.50 ms; as
     * F32: 0.70-0.83 → 0.53 ms; with the weights read row-major it had not gained: 0.88 vs 0.9-1.2 ms); a row
     * of a small one does not (a 0.9 M multiply-add model: 0.16 ms alone, 0.19-0.30 shared).
     *
     * @return whether this forward holds the helpers (pass it to {@link #matmul} and {@link #end})
     */
    boolean begin(int rows, long multiplyAdds) {
        boolean worthSharing = multiplyAdds >= LARGE_FORWARD || rows >= MIN_ROWS && multiplyAdds >= SPLIT_THRESHOLD * 8;
        if (helpers.length == 0 || !worthSharing || closed
                || !owned.compareAndSet(false, true)) {
            return false;
        }
        awake = true;
        wakeSleepers();
        return true;
    }

    void end(boolean held) {
        if (held) {
            awake = false;
            owned.set(false);
        }
    }

    /** {@link VectorMath#matmul}, shared by column chunks with the helpers when {@code held}. */
    void matmul(boolean held, float[] x, int n, WeightMatrix w, float[] y) {
        int strip = 4 * VectorMath.lanes();
        int strips = w.out / strip;
        if (!held || (long) n * w.in * w.out < SPLIT_THRESHOLD || strips < 2) {
            VectorMath.matmul(x, n, w, y);
            return;
        }
        int chunks = Math.min(strips, 4 * (helpers.length + 1));
        forEach(true, chunks, c -> {
            // chunks differ by one strip at most: a last chunk holding the remainder was claimed last and kept
            // one thread busy while the others waited (qkv of the shipped target: 7 chunks of 1 strip and 1 of 5)
            int from = strips * c / chunks * strip;
            VectorMath.stripColumns(x, n, w, y, from, c == chunks - 1 ? w.out : strips * (c + 1) / chunks * strip);
        });
    }

    /**
     * Runs {@code piece} once for each of {@code 0 .. pieces - 1}, shared with the helpers when {@code held};
     * the pieces must write disjoint outputs. Returns when every piece has run.
     */
    void forEach(boolean held, int pieces, IntConsumer piece) {
        if (!held || pieces < 2) {
            for (int i = 0; i < pieces; i++) {
                piece.accept(i);
            }
            return;
        }
        Task task = new Task(piece, pieces);
        current = task;
        wakeSleepers();
        task.work();
        while (task.finished.get() < pieces) {
            Thread.onSpinWait();
        }
        if (task.failure != null) {
            throw new IllegalStateException("a forward's helper failed", task.failure);
        }
    }

    /** After publishing work: a helper either sees it before it sleeps or has said it sleeps by now. */
    private void wakeSleepers() {
        for (int i = 0; i < helpers.length; i++) {
            if (asleep.get(i) != 0) {
                LockSupport.unpark(helpers[i]);
            }
        }
    }

    private void help(int index) {
        Task seen = null;
        long idleSince = System.nanoTime();
        int spins = 0;
        while (!closed) {
            Task t = current;
            if (t != seen) {
                seen = t;
                t.work();
                idleSince = System.nanoTime();
                spins = 0;
            } else if (awake) {
                // Within a forward a helper never sleeps: the forward's thread would have to wake it for each
                // shared loop left, and a wake-up is a system call after which the woken thread often takes the
                // waker's core (8 streams: 10% of the engine thread's wall time went to such wake-ups). Past a
                // short spin it yields, so the HTTP threads still get the core between a forward's parts.
                if (++spins % 64 != 0 || System.nanoTime() - idleSince < MAX_SPIN_NANOS) {
                    Thread.onSpinWait(); // the clock is read every 64 spins only
                } else {
                    Thread.yield();
                }
            } else {
                asleep.set(index, 1);
                if (current == seen && !closed) {
                    LockSupport.park(this);
                }
                asleep.set(index, 0);
                idleSince = System.nanoTime();
                spins = 0;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread h : helpers) {
            LockSupport.unpark(h);
        }
    }

    /** One shared loop: its pieces go to whichever thread claims them first. */
    private static final class Task {

        final IntConsumer piece;
        final int pieces;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger finished = new AtomicInteger();
        volatile Throwable failure;

        Task(IntConsumer piece, int pieces) {
            this.piece = piece;
            this.pieces = pieces;
        }

        void work() {
            int c;
            while ((c = next.getAndIncrement()) < pieces) {
                try {
                    piece.accept(c);
                } catch (RuntimeException | Error e) {
                    failure = e;
                } finally {
                    finished.incrementAndGet();
                }
            }
        }
    }
}
