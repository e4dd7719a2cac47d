package dev.dyspec.app.engine;

import dev.dyspec.api.SamplingParams;
import dev.dyspec.api.StrategyOptions;
import dev.dyspec.api.TreeStrategy;
import dev.dyspec.app.config.DyspecProperties;
import dev.dyspec.core.decode.GenerationRequest;
import dev.dyspec.core.decode.SpeculativeDecoder;
import dev.dyspec.core.engine.EngineWarmUp;
import dev.dyspec.core.engine.InferenceEngine;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * What a freshly loaded engine generates before the server reports ready ({@code dyspec.models.warm-up}):
 * every strategy the server can serve, with the configured defaults (the default strategy also as it is
 * served, adaptive size included), greedy and sampled, side by side as many as the engine runs at once.
 */
@Component
public class StartupWarmUp {

    private static final Logger log = LoggerFactory.getLogger(StartupWarmUp.class);

    /** Any text serves: the JIT needs the step's code to run, not a meaningful prompt. */
    static final String PROMPT = "Once upon a time, there was a little girl who liked to";
    static final int TOKENS = 32;

    private final DyspecProperties properties;
    private final StrategyRegistry strategies;

    public StartupWarmUp(DyspecProperties properties, StrategyRegistry strategies) {
        this.properties = properties;
        this.strategies = strategies;
    }

    /** Runs the warm-up on {@code engine} for the configured time; returns what it did (null when switched off). */
    EngineWarmUp.Report run(InferenceEngine engine) {
        if (properties.models().warmUp().isZero() || properties.models().warmUp().isNegative()) {
            return null;
        }
        List<GenerationRequest> requests = requests(engine.decoder());
        EngineWarmUp.Report report = EngineWarmUp.run(engine, requests, properties.models().warmUp(),
                properties.limits().maxConcurrent());
        log.info("warm-up: {} generations of {} strategy settings, {} tokens in {} ms", report.generations(),
                requests.size() / 2, report.tokens(), report.took().toMillis());
        if (report.failed() > 0) {
            log.warn("warm-up: {} of {} generations failed: {}", report.failed(), report.generations(), report.failures());
        }
        return report;
    }

    /** One round: each servable strategy greedy and at temperature 1. */
    public List<GenerationRequest> requests(SpeculativeDecoder decoder) {
        int[] prompt = decoder.encodePrompt(PROMPT);
        StrategyOptions defaults = properties.strategyDefaults().options();
        List<GenerationRequest> requests = new ArrayList<>();
        for (String name : strategies.names()) {
            TreeStrategy strategy = strategies.get(name);
            if (strategy.usesDraft() && decoder.draft().isEmpty()) {
                continue;
            }
            List<StrategyOptions> settings = new ArrayList<>(List.of(defaults));
            if (name.equals(properties.defaultStrategy()) && properties.defaultAdaptiveSize()) {
                settings.add(defaults.withAdaptiveSize(true));
            }
            for (StrategyOptions options : settings) {
                try {
                    strategy.validate(options, decoder.maxBudget());
                } catch (IllegalArgumentException e) {
                    log.debug("warm-up leaves out {}: {}", name, e.getMessage());
                    continue;
                }
                for (double temperature : new double[] {0, 1}) {
                    requests.add(new GenerationRequest(prompt, TOKENS, new SamplingParams(temperature, 1.0, requests.size()),
                            strategy, options, List.of()));
                }
            }
        }
        return requests;
    }
}
