package dev.dyspec.core.model;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits {@link JavaKernel}'s products by output columns between the calling thread and helper threads.
 * Helpers spin only while a forward runs ({@link #begin} to {@link #end}) and sleep in between: a spinning
 * pool beside other work is what slows libtorch down tenfold on shared cores, and a handoff through a
 * sleeping thread (tens of µs) would cost as much as a small product. Each column is computed by the same
 * loop whichever thread takes it, so results do not depend on the split. Only one forward at a time uses
 * the helpers; a concurrent one computes alone.
 */
final class MatmulThreads implements AutoCloseable {

    /** Products smaller than this many multiply-adds are not worth a handoff. */
    static final long SPLIT_THRESHOLD = 1L << 16;

    private final Helper[] helpers;
    private final AtomicBoolean owned = new AtomicBoolean();
    private volatile boolean closed;

    /** @param threads threads a product may use, the caller included (1: no helpers) */
    MatmulThreads(int threads, String name) {
        helpers = new Helper[Math.max(0, threads - 1)];
        for (int i = 0; i < helpers.length; i++) {
            helpers[i] = new Helper();
            Thread t = new Thread(helpers[i], name + "-matmul-" + (i + 1));
            t.setDaemon(true);
            helpers[i].thread = t;
            t.start();
        }
    }

    /** Threads a forward may use: {@code dyspec.forward.threads}, else the processors this JVM may use, at most 4. */
    static int defaultThreads() {
        String configured = System.getProperty("dyspec.forward.threads");
        if (configured != null && !configured.isBlank()) {
            try {
                return Math.max(1, Integer.parseInt(configured.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("dyspec.forward.threads must be a whole number, got '" + configured + "'");
            }
        }
        return Math.min(4, Runtime.getRuntime().availableProcessors());
    }

    /**
     * Starts a forward: wakes the helpers unless another forward holds them or the forward is too small.
     *
     * @return whether this forward holds the helpers (pass it to {@link #matmul} and {@link #end})
     */
    boolean begin(long multiplyAdds) {
        if (helpers.length == 0 || multiplyAdds < SPLIT_THRESHOLD * 8 || closed || !owned.compareAndSet(false, true)) {
            return false;
        }
        for (Helper h : helpers) {
            h.awake = true;
            LockSupport.unpark(h.thread);
        }
        return true;
    }

    void end(boolean held) {
        if (!held) {
            return;
        }
        for (Helper h : helpers) {
            h.awake = false;
        }
        owned.set(false);
    }

    /** {@link VectorMath#matmul}, split by columns across the helpers when {@code held}. */
    void matmul(boolean held, float[] x, int n, int in, float[] w, int out, float[] y) {
        long work = (long) n * in * out;
        int lanes = VectorMath.lanes();
        int parts = helpers.length + 1;
        int chunk = (out / parts) / lanes * lanes; // vector-aligned; the caller's part takes the rest
        if (!held || work < SPLIT_THRESHOLD || chunk == 0) {
            VectorMath.matmul(x, n, in, w, out, y);
            return;
        }
        for (int i = 0; i < helpers.length; i++) {
            int from = out - (i + 1) * chunk;
            helpers[i].post(x, n, in, w, out, y, from, from + chunk);
        }
        VectorMath.matmulColumns(x, n, in, w, out, y, 0, out - helpers.length * chunk);
        for (Helper h : helpers) {
            h.await();
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Helper h : helpers) {
            h.stop = true;
            LockSupport.unpark(h.thread);
        }
    }

    /** One helper thread: takes posted column ranges while awake, parks otherwise. */
    private static final class Helper implements Runnable {

        Thread thread;
        volatile boolean awake;
        volatile boolean stop;
        private volatile int posted;
        private volatile int done;
        private volatile Throwable failure;
        // the task; written before {@code posted} is incremented, read after it is seen
        private float[] x;
        private float[] w;
        private float[] y;
        private int n;
        private int in;
        private int out;
        private int from;
        private int to;

        void post(float[] x, int n, int in, float[] w, int out, float[] y, int from, int to) {
            this.x = x;
            this.n = n;
            this.in = in;
            this.w = w;
            this.out = out;
            this.y = y;
            this.from = from;
            this.to = to;
            posted = posted + 1; // only the forward holding the helpers posts
        }

        void await() {
            int target = posted;
            while (done != target) {
                Thread.onSpinWait();
            }
            Throwable t = failure;
            if (t != null) {
                failure = null;
                throw new IllegalStateException("matmul helper failed", t);
            }
        }

        @Override
        public void run() {
            int seen = 0;
            while (!stop) {
                int p = posted;
                if (p != seen) {
                    try {
                        VectorMath.matmulColumns(x, n, in, w, out, y, from, to);
                    } catch (RuntimeException | Error e) {
                        failure = e;
                    }
                    seen = p;
                    done = p;
                } else if (awake) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
        }
    }
}
