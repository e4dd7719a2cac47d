package dev.dyspec.core.engine;

import dev.dyspec.core.decode.GenerationRequest;
import dev.dyspec.core.decode.GenerationSession;
import dev.dyspec.core.decode.SpeculativeDecoder;
import dev.dyspec.core.decode.StepResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One loaded model pair serving every request: a bounded admission queue and a single model-work
 * thread. Each engine step grows every active generation's tree and scores all of them in one batched
 * target forward, so the per-operation overhead that dominates a small forward is paid once per step,
 * not once per request. A cancelled generation stops within one step and its caches are freed.
 */
public final class InferenceEngine implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(InferenceEngine.class);

    /**
     * @param maxConcurrent generations stepped in turn
     * @param maxQueued requests waiting beyond those; more are refused
     */
    public record Limits(int maxConcurrent, int maxQueued) {
        public Limits {
            if (maxConcurrent < 1 || maxQueued < 0) {
                throw new IllegalArgumentException("need maxConcurrent >= 1 and maxQueued >= 0");
            }
        }
    }

    /** A submitted generation; {@link #cancel()} stops it within one step. */
    public static final class Ticket {
        private final GenerationRequest request;
        private final GenerationListener listener;
        private final AtomicBoolean cancelled = new AtomicBoolean();
        private GenerationSession session;
        private boolean done; // finished or failed; touched by the engine thread only

        private Ticket(GenerationRequest request, GenerationListener listener) {
            this.request = request;
            this.listener = listener;
        }

        public void cancel() {
            cancelled.set(true);
        }

        public boolean cancelled() {
            return cancelled.get();
        }
    }

    private final SpeculativeDecoder decoder;
    private final Limits limits;
    private final BlockingQueue<Ticket> waiting;
    private final List<Ticket> active = new ArrayList<>();
    private final Thread worker;
    private volatile boolean accepting = true;
    private volatile boolean running = true;
    private volatile int activeCount;

    public InferenceEngine(SpeculativeDecoder decoder, Limits limits) {
        this.decoder = decoder;
        this.limits = limits;
        this.waiting = new ArrayBlockingQueue<>(Math.max(1, limits.maxQueued() + limits.maxConcurrent()));
        this.worker = new Thread(this::loop, "dyspec-engine");
        this.worker.setDaemon(true);
        this.worker.start();
    }

    public SpeculativeDecoder decoder() {
        return decoder;
    }

    /**
     * Queues a generation. Validation of the request's strategy options happens here, on the caller's
     * thread, so bad parameters fail before anything is queued.
     *
     * @throws EngineBusyException when the queue is full
     * @throws EngineStoppedException when the engine is shutting down
     */
    public Ticket submit(GenerationRequest request, GenerationListener listener) {
        request.strategy().validate(request.options(), decoder.maxBudget());
        if (!accepting) {
            throw new EngineStoppedException("the server is shutting down");
        }
        // clients that gave up while queued no longer hold a place
        waiting.removeIf(Ticket::cancelled);
        if (waiting.size() + activeCount >= limits.maxConcurrent() + limits.maxQueued()) {
            throw new EngineBusyException("too many requests: " + activeCount + " generating and " + waiting.size()
                    + " queued (limits " + limits.maxConcurrent() + " + " + limits.maxQueued() + ")", 1);
        }
        Ticket ticket = new Ticket(request, listener);
        if (!waiting.offer(ticket)) {
            throw new EngineBusyException("too many requests: the admission queue is full", 1);
        }
        return ticket;
    }

    /** Requests waiting to start. */
    public int queueDepth() {
        return waiting.size();
    }

    /** Generations being stepped. */
    public int activeGenerations() {
        return activeCount;
    }

    private void loop() {
        try {
            while (running) {
                try {
                    admit();
                    if (active.isEmpty()) {
                        Ticket next = waiting.poll(100, TimeUnit.MILLISECONDS);
                        if (next != null) {
                            start(next);
                        }
                        continue;
                    }
                    stepAll();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (Throwable e) {
                    // stepAll and start fail single generations; anything here is the engine's own bug
                    log.error("engine loop failure", e);
                }
            }
        } finally {
            // only this thread touches sessions, so it answers whoever is left before anything is freed
            EngineStoppedException stopped = new EngineStoppedException("the server shut down before the generation finished");
            for (Ticket t : active) {
                t.session.close();
                notifyError(t, stopped);
            }
            active.clear();
            activeCount = 0;
            for (Ticket t; (t = waiting.poll()) != null; ) {
                notifyError(t, new EngineStoppedException("the server shut down before the generation started"));
            }
        }
    }

    private static void notifyError(Ticket t, Throwable error) {
        try {
            t.listener.onError(error);
        } catch (RuntimeException e) {
            log.warn("a listener failed while being told of an error", e);
        }
    }

    private void admit() {
        while (active.size() < limits.maxConcurrent()) {
            Ticket t = waiting.poll();
            if (t == null) {
                return;
            }
            start(t);
        }
    }

    private void start(Ticket t) {
        if (t.cancelled()) {
            return;
        }
        try {
            t.session = decoder.start(t.request);
            active.add(t);
            activeCount = active.size();
            t.listener.onStart(t.session);
        } catch (Throwable e) {
            if (t.session != null) {
                t.session.close();
            }
            notifyError(t, e);
        }
    }

    /**
     * One engine step for every active generation: each grows its tree (its own strategy and options),
     * one target forward scores all trees together, each verifies its own. A failure while growing or
     * verifying fails that generation only; a failure of the shared forward fails the generations in it.
     */
    private void stepAll() {
        List<Ticket> proposing = new ArrayList<>();
        List<GenerationSession.Proposal> proposals = new ArrayList<>();
        for (Ticket t : active) {
            if (t.cancelled()) {
                continue;
            }
            try {
                proposals.add(t.session.propose());
                proposing.add(t);
            } catch (Throwable e) {
                fail(t, e);
            }
        }
        if (!proposals.isEmpty()) {
            List<float[][]> logits = null;
            long targetNanos = 0;
            try {
                long start = System.nanoTime();
                logits = decoder.target().lm().forward(proposals.stream().map(GenerationSession.Proposal::rows).toList(),
                        true);
                targetNanos = System.nanoTime() - start;
            } catch (Throwable e) {
                for (Ticket t : proposing) {
                    fail(t, e);
                }
            }
            if (logits != null) {
                int rows = proposals.stream().mapToInt(p -> p.tree().size()).sum();
                for (int i = 0; i < proposing.size(); i++) {
                    Ticket t = proposing.get(i);
                    GenerationSession.Proposal p = proposals.get(i);
                    try {
                        // each generation's share of the shared forward, by its rows
                        StepResult step = t.session.accept(p, logits.get(i), targetNanos * p.tree().size() / rows);
                        t.listener.onStep(step);
                        if (step.finished()) {
                            t.listener.onComplete(t.session);
                            t.done = true;
                        }
                    } catch (Throwable e) {
                        fail(t, e);
                    }
                }
            }
        }
        Iterator<Ticket> it = active.iterator();
        while (it.hasNext()) {
            Ticket t = it.next();
            if (t.done || t.cancelled()) {
                t.session.close();
                it.remove();
            }
        }
        activeCount = active.size();
    }

    /** Out of memory or a bug in one generation fails that generation only. */
    private static void fail(Ticket t, Throwable e) {
        log.warn("generation failed", e);
        notifyError(t, e);
        t.done = true;
    }

    /**
     * Stops accepting, lets running and queued generations finish for up to {@code drain}, then stops the
     * worker, which answers every request still running or queued. Returns whether the worker stopped:
     * only then may the models be freed (a worker stuck in a native call keeps using them).
     */
    public boolean shutdown(Duration drain) {
        accepting = false;
        long deadline = System.nanoTime() + drain.toNanos();
        while ((activeCount > 0 || !waiting.isEmpty()) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        running = false;
        try {
            worker.join(STOP_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            log.error("the engine thread did not stop within {} ms; its models stay loaded", STOP_WAIT_MILLIS);
            return false;
        }
        return true;
    }

    /** How long shutdown waits for the step in progress (one step, not a generation). */
    private static final long STOP_WAIT_MILLIS = 30_000;

    @Override
    public void close() {
        if (shutdown(Duration.ZERO)) {
            decoder.close();
        }
    }
}
