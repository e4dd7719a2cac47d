package dev.dyspec.core.engine;

import dev.dyspec.api.BatchCompany;
import dev.dyspec.core.decode.GenerationRequest;
import dev.dyspec.core.decode.GenerationSession;
import dev.dyspec.core.decode.SpeculativeDecoder;
import dev.dyspec.core.decode.StepResult;
import dev.dyspec.core.model.CausalLm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
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
     * @param maxConcurrent generations stepped together
     * @param maxQueued requests waiting beyond those; more are refused
     * @param batchDrafts whether generations grow their trees side by side, sharing draft forwards
     * @param prefillChunk prompt tokens prefilled per step while other generations run
     * @param maxGenerationTime wall-clock limit of one generation, queueing included
     * @param maxBatchRows tree rows one step's target forward may hold: under load each tree is capped at
     *                     its share, so speculation does not crowd out the requests it shares a forward with;
     *                     a request stepped alone is not capped
     * @param reusePrefixes whether finished sequences stay in free cache slots, so a prompt beginning with one
     *                      skips prefilling that part
     * @param prefixCacheSlots cache slots beyond {@code maxConcurrent} that only hold finished sequences
     */
    public record Limits(int maxConcurrent, int maxQueued, boolean batchDrafts, int prefillChunk,
                         Duration maxGenerationTime, int maxBatchRows, boolean reusePrefixes, int prefixCacheSlots) {
        public Limits {
            if (maxConcurrent < 1 || maxQueued < 0 || prefillChunk < 1 || prefixCacheSlots < 0) {
                throw new IllegalArgumentException(
                        "need maxConcurrent >= 1, maxQueued >= 0, prefillChunk >= 1 and prefixCacheSlots >= 0");
            }
            if (maxGenerationTime == null || maxGenerationTime.isNegative() || maxGenerationTime.isZero()) {
                throw new IllegalArgumentException("the wall-clock limit per generation must be positive");
            }
        }

        public Limits(int maxConcurrent, int maxQueued, boolean batchDrafts, int prefillChunk,
                      Duration maxGenerationTime, int maxBatchRows) {
            this(maxConcurrent, maxQueued, batchDrafts, prefillChunk, maxGenerationTime, maxBatchRows, true, 0);
        }

        public Limits(int maxConcurrent, int maxQueued) {
            this(maxConcurrent, maxQueued, true, DEFAULT_PREFILL_CHUNK, Duration.ofHours(1), Integer.MAX_VALUE);
        }
    }

    /**
     * Prompt tokens prefilled per step while other generations run. Shipped pair, 2 cores, a 400-token
     * prompt beside 7 streams: chunks of 64 raised their p95 chunk gap 1.72-2.07× (4 runs) once forwards got
     * cheap, chunks of 32 1.16-1.77× (3 runs), the prompt answered in 213-263 vs 279-341 ms.
     */
    public static final int DEFAULT_PREFILL_CHUNK = 32;

    /** A submitted generation; {@link #cancel()} stops it within one step. */
    public static final class Ticket {
        private final GenerationRequest request;
        private final GenerationListener listener;
        private final AtomicBoolean cancelled = new AtomicBoolean();
        private GenerationSession session;
        private boolean done; // finished or failed; touched by the engine thread only
        private final long deadlineNanos;
        // what this generation last put into a shared forward and took out of it (engine thread only):
        // the company the others' adaptive size prices its nodes against
        private int lastRows = 1;
        private double tokensPerStep = 1;

        private Ticket(GenerationRequest request, GenerationListener listener, long deadlineNanos) {
            this.request = request;
            this.listener = listener;
            this.deadlineNanos = deadlineNanos;
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
    /** Grows the trees of drafting generations side by side, one thread each. */
    private final ExecutorService growers;
    private final long cacheBytes;
    private final LongAdder targetForwards = new LongAdder();
    private final LongAdder targetRows = new LongAdder();
    private final LongAdder draftForwards = new LongAdder();
    private final LongAdder draftRows = new LongAdder();

    public InferenceEngine(SpeculativeDecoder decoder, Limits limits) {
        this.decoder = decoder;
        this.limits = limits;
        this.waiting = new ArrayBlockingQueue<>(Math.max(1, limits.maxQueued() + limits.maxConcurrent()));
        long cacheBytes = decoder.reserveSessions(limits.maxConcurrent(), limits.prefixCacheSlots(),
                limits.reusePrefixes());
        log.info("KV caches for {} concurrent generations{}: {} MiB, allocated once; prefix reuse {}",
                limits.maxConcurrent(), limits.prefixCacheSlots() > 0 ? " + " + limits.prefixCacheSlots()
                        + " prefix cache slots" : "", cacheBytes >> 20, limits.reusePrefixes() ? "on" : "off");
        this.cacheBytes = cacheBytes;
        AtomicInteger growerId = new AtomicInteger();
        this.growers = Executors.newFixedThreadPool(limits.maxConcurrent(), r -> {
            Thread t = new Thread(r, "dyspec-grow-" + growerId.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
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
        Ticket ticket = new Ticket(request, listener, System.nanoTime() + limits.maxGenerationTime().toNanos());
        if (!waiting.offer(ticket)) {
            throw new EngineBusyException("too many requests: the admission queue is full", 1);
        }
        return ticket;
    }

    /**
     * Whether a request submitted now would be refused for lack of room, so callers can refuse it before
     * spending anything on it (parsing, tokenizing). {@link #submit} still decides.
     */
    public boolean full() {
        return waiting.size() + activeCount >= limits.maxConcurrent() + limits.maxQueued();
    }

    /** Requests waiting to start. */
    public int queueDepth() {
        return waiting.size();
    }

    /**
     * How full the engine's forwards have been since it started.
     *
     * @param targetForwards batched target forwards (one per engine step)
     * @param targetRows rows they scored, every generation's tree together
     * @param draftForwards draft forwards shared by generations growing side by side
     * @param draftRows rows those held
     */
    public record Batching(long targetForwards, long targetRows, long draftForwards, long draftRows) {
    }

    public Batching batching() {
        return new Batching(targetForwards.sum(), targetRows.sum(), draftForwards.sum(), draftRows.sum());
    }

    /** Memory of the KV cache pools, allocated at start for {@code maxConcurrent} generations. */
    public long cacheBytes() {
        return cacheBytes;
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
                    closeFinished();
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
            // no forward here: the prompt is prefilled in chunks by the following steps
            t.session = decoder.startChunked(t.request);
            active.add(t);
            activeCount = active.size();
            if (!t.session.prefilling()) {
                t.listener.onStart(t.session);
            }
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
        long now = System.nanoTime();
        for (Ticket t : active) {
            if (!t.cancelled() && !t.done && now - t.deadlineNanos > 0) {
                fail(t, new GenerationTimeoutException("the generation ran past the limit of "
                        + limits.maxGenerationTime().toSeconds() + " s per request; ask for fewer tokens"));
            }
        }
        List<Ticket> live = active.stream().filter(t -> !t.cancelled() && !t.done).toList();
        List<Ticket> growing = live.stream().filter(t -> !t.session.prefilling()).toList();
        GenerationSession.Proposal[] grown = growTrees(growing);
        List<Ticket> proposing = new ArrayList<>();
        List<CausalLm.Rows> rows = new ArrayList<>();
        List<GenerationSession.Proposal> proposals = new ArrayList<>();
        for (int i = 0; i < growing.size(); i++) {
            if (grown[i] != null) {
                proposals.add(grown[i]);
                proposing.add(growing.get(i));
                rows.add(grown[i].rows());
            }
        }
        // Prompts still to prefill ride along in chunks, so a long prompt never stalls running streams;
        // with nothing running, a prompt goes in whole.
        List<Ticket> prefilling = new ArrayList<>();
        int prefillBudget = growing.isEmpty() ? Integer.MAX_VALUE : limits.prefillChunk();
        for (Ticket t : live) {
            if (prefillBudget <= 0 || !t.session.prefilling()) {
                continue;
            }
            try {
                CausalLm.Rows chunk = t.session.prefillChunk(prefillBudget);
                prefillBudget -= chunk.tokens().length;
                prefilling.add(t);
                rows.add(chunk);
            } catch (Throwable e) {
                fail(t, e);
            }
        }
        if (rows.isEmpty()) {
            return;
        }
        List<float[][]> logits = null;
        long targetNanos = 0;
        try {
            long start = System.nanoTime();
            logits = decoder.target().lm().forward(rows, true);
            targetNanos = System.nanoTime() - start;
        } catch (Throwable e) {
            proposing.forEach(t -> fail(t, e));
            prefilling.forEach(t -> fail(t, e));
        }
        if (logits == null) {
            return;
        }
        int totalRows = rows.stream().mapToInt(r -> r.tokens().length).sum();
        targetForwards.increment();
        targetRows.add(totalRows);
        for (int i = 0; i < proposing.size(); i++) {
            Ticket t = proposing.get(i);
            GenerationSession.Proposal p = proposals.get(i);
            try {
                // each generation's share of the shared forward, by its rows
                StepResult step = t.session.accept(p, logits.get(i), targetNanos * p.tree().size() / totalRows);
                t.lastRows = p.tree().size();
                t.tokensPerStep = 0.7 * t.tokensPerStep + 0.3 * step.tokens().length;
                t.listener.onStep(step);
                if (step.finished()) {
                    t.listener.onComplete(t.session);
                    t.done = true;
                }
            } catch (Throwable e) {
                fail(t, e);
            }
        }
        for (int i = 0; i < prefilling.size(); i++) {
            Ticket t = prefilling.get(i);
            CausalLm.Rows chunk = rows.get(proposing.size() + i);
            try {
                t.session.prefillDone(chunk, logits.get(proposing.size() + i),
                        targetNanos * chunk.tokens().length / totalRows);
                if (!t.session.prefilling()) {
                    t.listener.onStart(t.session);
                }
            } catch (Throwable e) {
                fail(t, e);
            }
        }
    }

    /**
     * For each growing generation, the others that share its target forward: their rows and tokens per step as
     * of their last step (this step's trees are grown at the same time, so the last ones stand in for them).
     */
    private static BatchCompany[] companies(List<Ticket> growing) {
        int rows = 0;
        double tokens = 0;
        for (Ticket t : growing) {
            rows += t.lastRows;
            tokens += t.tokensPerStep;
        }
        BatchCompany[] company = new BatchCompany[growing.size()];
        for (int i = 0; i < company.length; i++) {
            Ticket t = growing.get(i);
            company[i] = company.length == 1 ? BatchCompany.ALONE
                    : new BatchCompany(rows - t.lastRows, Math.max(0, tokens - t.tokensPerStep));
        }
        return company;
    }

    private void closeFinished() {
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

    /**
     * Every generation grows its tree. With two or more drafting, each grows on its own thread and their
     * draft forwards meet in a {@link DraftRendezvous}; otherwise they grow in turn on this thread.
     *
     * @return per generation its proposal, or null where growing failed (that generation is failed)
     */
    private GenerationSession.Proposal[] growTrees(List<Ticket> growing) {
        GenerationSession.Proposal[] grown = new GenerationSession.Proposal[growing.size()];
        // every tree has its root row; the drafted nodes share what is left of the batch's rows. A request
        // alone shares with nobody: its tree is as large as it asked for.
        int cap = growing.size() < 2 ? Integer.MAX_VALUE
                : Math.max(1, (limits.maxBatchRows() - growing.size()) / growing.size());
        BatchCompany[] company = companies(growing);
        long drafting = growing.stream().filter(t -> t.session.usesDraft()).count();
        if (drafting < 2 || !limits.batchDrafts()) {
            for (int i = 0; i < grown.length; i++) {
                try {
                    grown[i] = growing.get(i).session.propose(null, cap, company[i]);
                } catch (Throwable e) {
                    fail(growing.get(i), e);
                }
            }
            return grown;
        }
        DraftRendezvous rendezvous = new DraftRendezvous(decoder.draft().orElseThrow().lm(), (int) drafting);
        List<FutureTask<GenerationSession.Proposal>> futures = new ArrayList<>();
        for (int i = 0; i < grown.length; i++) {
            Ticket t = growing.get(i);
            BatchCompany others = company[i];
            FutureTask<GenerationSession.Proposal> task = t.session.usesDraft() ? new FutureTask<>(() -> {
                try {
                    return t.session.propose(rendezvous, cap, others);
                } finally {
                    rendezvous.leave();
                }
            }) : null;
            futures.add(task);
        }
        List<FutureTask<GenerationSession.Proposal>> drafted = futures.stream().filter(Objects::nonNull).toList();
        // This thread grows the first tree itself and wakes one grower, which wakes the rest: a wake-up is a
        // system call after which the woken thread often takes the waker's core, and with this thread waking
        // every grower (8 streams) those wake-ups held it up for 8% of its time.
        List<FutureTask<GenerationSession.Proposal>> handedOut = drafted.subList(1, drafted.size());
        try {
            growers.execute(() -> {
                for (int i = 1; i < handedOut.size(); i++) {
                    startOrDrop(handedOut.get(i), rendezvous);
                }
                handedOut.get(0).run();
            });
        } catch (RejectedExecutionException e) {
            handedOut.forEach(task -> drop(task, rendezvous));
        }
        drafted.get(0).run();
        for (int i = 0; i < grown.length; i++) {
            Ticket t = growing.get(i);
            try {
                grown[i] = futures.get(i) == null ? t.session.propose(null, cap, company[i]) : futures.get(i).get();
            } catch (ExecutionException e) {
                fail(t, e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail(t, e);
            } catch (Throwable e) {
                fail(t, e);
            }
        }
        draftForwards.add(rendezvous.forwards());
        draftRows.add(rendezvous.batchedRows());
        return grown;
    }

    private void startOrDrop(FutureTask<GenerationSession.Proposal> task, DraftRendezvous rendezvous) {
        try {
            growers.execute(task);
        } catch (RejectedExecutionException e) {
            drop(task, rendezvous);
        }
    }

    /** A tree that cannot be grown: the others stop waiting for it, its generation fails (cancelled). */
    private static void drop(FutureTask<GenerationSession.Proposal> task, DraftRendezvous rendezvous) {
        if (task.cancel(false)) {
            rendezvous.leave();
        }
    }

    /** Out of memory or a bug in one generation fails that generation only. */
    private static void fail(Ticket t, Throwable e) {
        if (e instanceof GenerationTimeoutException) {
            log.info("generation stopped: {}", e.getMessage());
        } else {
            log.warn("generation failed", e);
        }
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
        // the engine thread waits for every tree it started, so no grower runs once it stopped
        growers.shutdownNow();
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
