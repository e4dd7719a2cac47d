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
 * thread that steps every active generation in turn (libtorch already uses all cores inside each
 * operation). A cancelled generation stops within one step and its caches are freed.
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
     * @throws EngineBusyException when the queue is full or the engine is shutting down
     */
    public Ticket submit(GenerationRequest request, GenerationListener listener) {
        request.strategy().validate(request.options(), decoder.maxBudget());
        if (!accepting) {
            throw new EngineBusyException("the server is shutting down", 5);
        }
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
            } catch (RuntimeException | Error e) {
                log.error("engine loop failure", e);
            }
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
        } catch (RuntimeException e) {
            if (t.session != null) {
                t.session.close();
            }
            t.listener.onError(e);
        }
    }

    private void stepAll() {
        Iterator<Ticket> it = active.iterator();
        while (it.hasNext()) {
            Ticket t = it.next();
            boolean done = t.cancelled();
            if (!done) {
                try {
                    StepResult step = t.session.step();
                    t.listener.onStep(step);
                    if (step.finished()) {
                        t.listener.onComplete(t.session);
                        done = true;
                    }
                } catch (RuntimeException e) {
                    log.warn("generation failed", e);
                    t.listener.onError(e);
                    done = true;
                }
            }
            if (done) {
                t.session.close();
                it.remove();
            }
        }
        activeCount = active.size();
    }

    /**
     * Stops accepting, lets running and queued generations finish for up to {@code drain}, then stops.
     */
    public void shutdown(Duration drain) {
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
            worker.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Ticket t : active) {
            t.session.close();
            t.listener.onError(new EngineBusyException("the server shut down before the generation finished", 5));
        }
        active.clear();
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO);
        decoder.close();
    }
}
