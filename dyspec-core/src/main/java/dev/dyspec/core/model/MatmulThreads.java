package dev.dyspec.core.model;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Shares {@link JavaKernel}'s products between the calling thread and helper threads: a product is cut
 * into column chunks that every thread claims in turn until none are left, so a helper that the OS has
 * not scheduled yet (a JIT compiler or another process on the core) costs the caller nothing but the
 * chunk it holds. Helpers spin only while a forward runs ({@link #begin} to {@link #end}) and sleep in
 * between: a pool spinning beside other work is what slows libtorch down tenfold on shared cores, and a
 * handoff through a sleeping thread (tens of µs) would cost as much as a small product. Each column is
 * computed by the same loop whichever thread takes it, so results do not depend on the split. One
 * forward at a time uses the helpers; a concurrent one computes alone.
 */
final class MatmulThreads implements AutoCloseable {

    /** Products smaller than this many multiply-adds are not worth sharing. */
    static final long SPLIT_THRESHOLD = 1L << 16;

    /** Rows from which a forward shares its products. */
    static final int MIN_ROWS = 4;

    /** Multiply-adds from which a forward of any row count shares its products (the shipped target: 7.3 M a row). */
    static final long LARGE_FORWARD = 1L << 22;

    private final Thread[] helpers;
    private final AtomicBoolean owned = new AtomicBoolean();
    private volatile Task current;
    private volatile boolean awake;
    private volatile boolean closed;

    /** @param threads threads a product may use, the caller included (1: no helpers) */
    MatmulThreads(int threads, String name) {
        helpers = new Thread[Math.max(0, threads - 1)];
        for (int i = 0; i < helpers.length; i++) {
            helpers[i] = new Thread(this::help, name + "-matmul-" + (i + 1));
            helpers[i].setDaemon(true);
            helpers[i].start();
        }
    }

    /**
     * Threads a forward may use: {@code dyspec.forward.threads}, else one on a machine of two processors or
     * fewer (measured on 2 cores: a helper preempted by the JIT, the GC or other threads lost more to
     * waiting than it won — bench target-only 493 vs 573 tokens/s, bench-serve dyspec-calibrated at 1 and 8
     * streams no better), else half the processors, at most 4.
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
        return processors <= 2 ? 1 : Math.min(4, processors / 2);
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
        for (Thread h : helpers) {
            LockSupport.unpark(h);
        }
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
        Task task = new Task(x, n, w, y, strips / chunks * strip, chunks);
        current = task;
        task.work();
        while (task.finished.get() < chunks) {
            Thread.onSpinWait();
        }
        if (task.failure != null) {
            throw new IllegalStateException("a product's helper failed", task.failure);
        }
    }

    private void help() {
        Task seen = null;
        while (!closed) {
            Task t = current;
            if (t != seen) {
                seen = t;
                t.work();
            } else if (awake) {
                Thread.onSpinWait();
            } else {
                LockSupport.park(this);
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

    /** One product, cut into column chunks; the last chunk also takes the columns past the others. */
    private static final class Task {

        final float[] x;
        final WeightMatrix w;
        final float[] y;
        final int n;
        final int chunkColumns;
        final int chunks;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger finished = new AtomicInteger();
        volatile Throwable failure;

        Task(float[] x, int n, WeightMatrix w, float[] y, int chunkColumns, int chunks) {
            this.x = x;
            this.n = n;
            this.w = w;
            this.y = y;
            this.chunkColumns = chunkColumns;
            this.chunks = chunks;
        }

        void work() {
            int c;
            while ((c = next.getAndIncrement()) < chunks) {
                try {
                    int from = c * chunkColumns;
                    VectorMath.stripColumns(x, n, w, y, from, c == chunks - 1 ? w.out : from + chunkColumns);
                } catch (RuntimeException | Error e) {
                    failure = e;
                } finally {
                    finished.incrementAndGet();
                }
            }
        }
    }
}
