package dev.dyspec.app.engine;

import dev.dyspec.app.experiment.ArmOutcome;
import dev.dyspec.app.experiment.ExperimentService;
import dev.dyspec.core.decode.GenerationSession;
import dev.dyspec.core.decode.StepResult;
import dev.dyspec.core.engine.GenerationListener;
import dev.dyspec.core.engine.InferenceEngine;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * Hands planned generations to the shared engine and turns their progress into a Flux. The engine
 * thread emits and an {@link EventRelay} delivers, so neither model work runs on the event loop nor response
 * building on the engine thread. A subscriber that cancels (a client that disconnects) cancels the
 * generation, which stops within one step.
 */
@Service
public class GenerationService implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(GenerationService.class);

    private final ModelService models;
    private final GenerationMetrics metrics;
    private final ExperimentService experiments;

    private final TreeSizeTracker treeSizes;

    /**
     * One relay per four processors, at most four: building chunks (JSON, logprob pieces) for many streams on a
     * large machine outgrows one thread, while on small ones each extra relay is one more wake-up per step.
     * A generation keeps its relay, so its events stay in order.
     */
    private final EventRelay[] relays = startRelays(relaysFor(Runtime.getRuntime().availableProcessors()));
    private final AtomicInteger generations = new AtomicInteger();

    public GenerationService(ModelService models, GenerationMetrics metrics, ExperimentService experiments,
                             TreeSizeTracker treeSizes) {
        this.models = models;
        this.metrics = metrics;
        this.experiments = experiments;
        this.treeSizes = treeSizes;
    }

    /**
     * Queues the generation now (so a full queue fails the request before any response is written)
     * and returns its events: steps, then one {@link GenerationEvent.Finished}.
     */
    public Flux<GenerationEvent> submit(PlannedGeneration plan) {
        InferenceEngine engine = models.engine();
        Sinks.Many<GenerationEvent> sink = Sinks.many().unicast().onBackpressureBuffer();
        long submitted = System.nanoTime();
        InferenceEngine.Ticket ticket;
        Listener listener = new Listener(plan, sink, submitted,
                relays[Math.floorMod(generations.getAndIncrement(), relays.length)]);
        try {
            ticket = engine.submit(plan.request(), listener);
        } catch (RuntimeException e) {
            metrics.request(plan.tags(), "rejected");
            throw e;
        }
        // the engine thread only hands events over: chunks (JSON, logprob pieces) are built on a relay's thread
        return sink.asFlux().doOnCancel(() -> {
            ticket.cancel();
            // a non-streaming response cancels its source after taking the final event: not a cancellation
            if (listener.ended.compareAndSet(false, true)) {
                metrics.request(plan.tags(), "cancelled");
                experiments.cancelled(plan.assignment());
            }
        });
    }

    private final class Listener implements GenerationListener {
        private final PlannedGeneration plan;
        private final Sinks.Many<GenerationEvent> sink;
        private final long submitted;
        private final EventRelay relay;
        private long lastStep;
        private long firstTokenNanos = -1;
        private long firstTokenCount;
        /** Set once the generation completed, failed or was cancelled: each is counted once. */
        final AtomicBoolean ended = new AtomicBoolean();

        Listener(PlannedGeneration plan, Sinks.Many<GenerationEvent> sink, long submitted, EventRelay relay) {
            this.plan = plan;
            this.sink = sink;
            this.submitted = submitted;
            this.relay = relay;
        }

        @Override
        public void onStart(GenerationSession session) {
            lastStep = System.nanoTime();
            var started = new GenerationEvent.Started(session.promptLogprobs());
            relay.relay(() -> delivered(sink.tryEmitNext(started), "its start"));
        }

        @Override
        public void onStep(StepResult step) {
            long now = System.nanoTime();
            metrics.step(plan.tags(), step.tokens().length, step.treeSize(), now - lastStep);
            treeSizes.record(plan.strategy(), step.treeSize());
            lastStep = now;
            if (firstTokenNanos < 0 && step.tokens().length > 0) {
                firstTokenNanos = now - submitted;
                firstTokenCount = step.tokens().length;
                metrics.firstToken(plan.tags(), firstTokenNanos);
            }
            relay.relay(() -> delivered(sink.tryEmitNext(new GenerationEvent.Step(step)), "a step"));
        }

        @Override
        public void onComplete(GenerationSession session) {
            var stats = session.stats();
            long now = System.nanoTime();
            double seconds = (now - submitted) / 1e9;
            ended.set(true);
            metrics.finished(plan.tags(), session.promptTokens(), session.reusedPromptTokens(), stats);
            metrics.request(plan.tags(), "completed");
            if (plan.assignment() != null) {
                long ttft = firstTokenNanos < 0 ? now - submitted : firstTokenNanos;
                long later = stats.emittedTokens() - firstTokenCount;
                experiments.completed(plan.assignment(), new ArmOutcome(stats.emittedTokens(), stats.meanAcceptanceLength(),
                        seconds > 0 ? stats.emittedTokens() / seconds : 0, ttft / 1e6,
                        later > 0 ? (now - submitted - ttft) / 1e6 / later : Double.NaN));
            }
            var finished = new GenerationEvent.Finished(session.text(), session.promptTokens(),
                    session.reusedPromptTokens(), session.generatedTokens().length, session.finishReason(), stats, session.logprobs(),
                    session.promptLogprobs());
            relay.relay(() -> {
                delivered(sink.tryEmitNext(finished), "its end");
                delivered(sink.tryEmitComplete(), "its completion");
            });
        }

        /**
         * A response whose client went away takes nothing more; any other refused event would leave a stream
         * without its end, so it is logged (the stream's request and what was lost) rather than dropped unseen.
         */
        private void delivered(Sinks.EmitResult result, String what) {
            if (result.isFailure() && result != Sinks.EmitResult.FAIL_CANCELLED) {
                log.warn("a {} response did not take {}: {}", plan.strategy(), what, result);
            }
        }

        @Override
        public void onError(Throwable error) {
            ended.set(true);
            metrics.request(plan.tags(), "failed");
            experiments.failed(plan.assignment());
            relay.relay(() -> delivered(sink.tryEmitError(error), "its failure"));
        }
    }

    /**
     * Spring destroys this before the models it depends on, so the engine's answers to the generations still
     * running at shutdown come later: the closed relays deliver them on the engine's thread.
     */
    @Override
    public void destroy() {
        for (EventRelay relay : relays) {
            relay.close();
        }
    }

    static int relaysFor(int processors) {
        return Math.max(1, Math.min(4, processors / 4));
    }

    private static EventRelay[] startRelays(int count) {
        EventRelay[] relays = new EventRelay[count];
        for (int i = 0; i < count; i++) {
            relays[i] = new EventRelay(count == 1 ? "dyspec-events" : "dyspec-events-" + (i + 1));
        }
        return relays;
    }
}
