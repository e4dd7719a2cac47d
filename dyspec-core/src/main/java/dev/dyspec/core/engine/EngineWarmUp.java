package dev.dyspec.core.engine;

import dev.dyspec.core.decode.GenerationRequest;
import dev.dyspec.core.decode.GenerationSession;
import dev.dyspec.core.decode.StepResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Generations a new engine runs before it takes traffic, through its own loop, so the JIT has compiled a
 * step's code — every strategy's growth, verification, sampling, text — before users' requests pay for it.
 * {@link dev.dyspec.core.model.CausalLm#warmUp()} compiles the forward kernels only; without this a server's first
 * request took 4× its warm time on the shipped pair (2 cores) and the next dozen 1.3–1.6×.
 * <p>
 * Rounds of the given requests run, at most {@code parallel} at a time (so batched steps are compiled too),
 * until the time budget is spent: the first round always runs whole (every request's code is reached once),
 * later ones stop between waves. A request that fails is counted, not thrown: a warm-up never keeps a server
 * from starting.
 */
public final class EngineWarmUp {

    /** What a warm-up did. */
    public record Report(int generations, int failed, long tokens, Duration took, List<String> failures) {
    }

    private EngineWarmUp() {
    }

    /**
     * @param requests one round; each runs once per round
     * @param parallel how many run side by side (at most the engine's concurrent generations)
     */
    public static Report run(InferenceEngine engine, List<GenerationRequest> requests, Duration budget, int parallel) {
        if (parallel < 1) {
            throw new IllegalArgumentException("parallel must be at least 1, got " + parallel);
        }
        long start = System.nanoTime();
        long end = start + budget.toNanos();
        int generations = 0;
        int failed = 0;
        long tokens = 0;
        List<String> failures = new ArrayList<>();
        for (int round = 0; !requests.isEmpty() && (round == 0 || System.nanoTime() < end); round++) {
            for (int from = 0; from < requests.size() && (round == 0 || System.nanoTime() < end); from += parallel) {
                List<GenerationRequest> wave = requests.subList(from, Math.min(requests.size(), from + parallel));
                Wave w = new Wave(wave.size());
                for (GenerationRequest r : wave) {
                    try {
                        engine.submit(r, w.listener());
                    } catch (RuntimeException e) {
                        w.failed(e);
                    }
                }
                w.await(engine);
                generations += wave.size();
                failed += w.failures.get();
                tokens += w.tokens.get();
                if (w.firstFailure.get() != null && failures.size() < 4) {
                    failures.add(w.firstFailure.get());
                }
            }
        }
        return new Report(generations, failed, tokens, Duration.ofNanos(System.nanoTime() - start), List.copyOf(failures));
    }

    /** Generations submitted together; {@link #await} returns once each has completed or failed. */
    private static final class Wave {
        private final CountDownLatch done;
        final AtomicInteger failures = new AtomicInteger();
        final AtomicInteger tokens = new AtomicInteger();
        final AtomicReference<String> firstFailure = new AtomicReference<>();

        Wave(int size) {
            this.done = new CountDownLatch(size);
        }

        void failed(Throwable e) {
            failures.incrementAndGet();
            firstFailure.compareAndSet(null, e.getMessage() == null ? e.toString() : e.getMessage());
            done.countDown();
        }

        GenerationListener listener() {
            return new GenerationListener() {
                @Override
                public void onStep(StepResult step) {
                    tokens.addAndGet(step.tokens().length);
                }

                @Override
                public void onComplete(GenerationSession session) {
                    done.countDown();
                }

                @Override
                public void onError(Throwable error) {
                    failed(error);
                }
            };
        }

        /** Also until the engine has let the wave's generations go: the next wave must find their places free. */
        void await(InferenceEngine engine) {
            try {
                // a generation's own time limit ends it before this does
                if (!done.await(1, TimeUnit.HOURS)) {
                    throw new IllegalStateException("a warm-up generation did not end within an hour");
                }
                while (engine.activeGenerations() > 0) {
                    Thread.sleep(1);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while warming up", e);
            }
        }
    }
}
