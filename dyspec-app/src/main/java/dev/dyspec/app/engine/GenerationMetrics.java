package dev.dyspec.app.engine;

import dev.dyspec.api.GenerationStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import dev.dyspec.core.engine.InferenceEngine;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.springframework.stereotype.Component;

/** Micrometer meters of the generation path, exported at {@code /actuator/prometheus}. */
@Component
public class GenerationMetrics {

    private final MeterRegistry registry;

    public GenerationMetrics(MeterRegistry registry, ModelService models) {
        this.registry = registry;
        Gauge.builder("dyspec.queue.depth", models, m -> m.state() == ModelService.State.READY ? m.engine().queueDepth() : 0)
                .description("requests waiting for the engine").register(registry);
        Gauge.builder("dyspec.active.generations", models,
                m -> m.state() == ModelService.State.READY ? m.engine().activeGenerations() : 0)
                .description("generations being stepped").register(registry);
        Gauge.builder("dyspec.kv.cache.bytes", models, m -> m.state() == ModelService.State.READY ? m.engine().cacheBytes() : 0)
                .description("KV cache pools, allocated at start for the concurrent generations").baseUnit("bytes")
                .register(registry);
        Gauge.builder("dyspec.prefix.cache.entries", models,
                        m -> m.state() == ModelService.State.READY ? m.engine().decoder().prefixReuse().entries() : 0)
                .description("finished sequences held in free KV cache slots for prompts that begin with them")
                .register(registry);
        engineCounter("dyspec.engine.target.forwards", "batched target forwards, one per engine step", models,
                InferenceEngine.Batching::targetForwards);
        engineCounter("dyspec.engine.target.rows", "rows scored by the target, every active request's tree together", models,
                InferenceEngine.Batching::targetRows);
        engineCounter("dyspec.engine.draft.forwards", "draft forwards shared by requests growing their trees side by side",
                models, InferenceEngine.Batching::draftForwards);
        engineCounter("dyspec.engine.draft.rows", "rows those shared draft forwards held", models,
                InferenceEngine.Batching::draftRows);
    }

    private void engineCounter(String name, String description, ModelService models,
                               java.util.function.ToLongFunction<InferenceEngine.Batching> value) {
        io.micrometer.core.instrument.FunctionCounter.builder(name, models,
                        m -> m.state() == ModelService.State.READY ? value.applyAsLong(m.engine().batching()) : 0)
                .description(description).register(registry);
    }

    public void request(Tags tags, String outcome) {
        Counter.builder("dyspec.requests").tags(tags).tag("outcome", outcome).register(registry).increment();
    }

    public void step(Tags tags, int emitted, int treeSize, long nanos) {
        DistributionSummary.builder("dyspec.tree.size").description("drafted nodes per step")
                .tags(tags).register(registry).record(treeSize);
        DistributionSummary.builder("dyspec.acceptance.length").description("tokens emitted per target forward")
                .tags(tags).register(registry).record(emitted);
        Timer.builder("dyspec.step").tags(tags).register(registry).record(Duration.ofNanos(nanos));
    }

    public void firstToken(Tags tags, long nanos) {
        Timer.builder("dyspec.time.to.first.token").tags(tags).register(registry).record(Duration.ofNanos(nanos));
    }

    public void finished(Tags tags, int promptTokens, int cachedPromptTokens, GenerationStats stats) {
        Counter.builder("dyspec.prompt.tokens").tags(tags).register(registry).increment(promptTokens);
        Counter.builder("dyspec.prompt.tokens.cached").description("prompt tokens taken from the prefix cache, not prefilled")
                .tags(tags).register(registry).increment(cachedPromptTokens);
        Counter.builder("dyspec.generated.tokens").tags(tags).register(registry).increment(stats.emittedTokens());
        Counter.builder("dyspec.drafted.tokens").tags(tags).register(registry).increment(stats.draftedTokens());
        Counter.builder("dyspec.accepted.tokens").tags(tags).register(registry).increment(stats.acceptedTokens());
        long[] byDepth = stats.acceptedByDepth();
        for (int d = 0; d < byDepth.length; d++) {
            if (byDepth[d] > 0) {
                Counter.builder("dyspec.accepted.tokens.by.depth").tags(tags).tag("depth", Integer.toString(d + 1))
                        .register(registry).increment(byDepth[d]);
            }
        }
    }
}
