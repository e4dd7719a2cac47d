package dev.dyspec.app.engine;

import dev.dyspec.app.cli.ModelPaths;
import dev.dyspec.app.config.DyspecProperties;
import dev.dyspec.app.config.SwappableTreeCost;
import dev.dyspec.core.model.MeasuredTreeCost;
import dev.dyspec.strategies.AcceptanceModel;
import dev.dyspec.core.decode.SpeculativeDecoder;
import dev.dyspec.core.engine.EngineWarmUp;
import dev.dyspec.core.engine.InferenceEngine;
import dev.dyspec.core.model.CausalLm;
import dev.dyspec.core.model.DeviceSelector;
import dev.dyspec.core.model.ForwardBackend;
import dev.dyspec.core.model.LanguageModel;
import dev.dyspec.core.model.ModelLoader;
import dev.dyspec.core.model.TorchThreads;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Service;

/**
 * Loads the model pair once, off the startup thread, and owns the shared {@link InferenceEngine}.
 * Readiness stays DOWN until the models are loaded and the engine is warmed up ({@link StartupWarmUp}); a
 * model that fails to load keeps it DOWN with the reason. Shutdown drains running streams before the engine
 * stops.
 */
@Service
public class ModelService implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ModelService.class);

    public enum State { LOADING, READY, FAILED }

    private final DyspecProperties properties;
    private final ApplicationEventPublisher events;
    private volatile State state = State.LOADING;
    private volatile String failure;
    private volatile InferenceEngine engine;
    private volatile String modelName;
    private volatile boolean running;

    private final AcceptanceModel acceptance;
    private final SwappableTreeCost treeCost;
    private final StartupWarmUp startupWarmUp;
    private volatile EngineWarmUp.Report warmUp;

    public ModelService(DyspecProperties properties, ApplicationEventPublisher events, AcceptanceModel acceptance,
                        SwappableTreeCost treeCost, StartupWarmUp warmUp) {
        this.properties = properties;
        this.events = events;
        this.acceptance = acceptance;
        this.treeCost = treeCost;
        this.startupWarmUp = warmUp;
    }

    @Override
    public void start() {
        running = true;
        state = State.LOADING;
        failure = null;
        AvailabilityChangeEvent.publish(events, this, ReadinessState.REFUSING_TRAFFIC);
        Thread loader = new Thread(this::load, "dyspec-model-loader");
        loader.setDaemon(true);
        loader.start();
    }

    private void load() {
        try {
            DyspecProperties.Models m = properties.models();
            boolean defaultTarget = m.target().isBlank();
            Path target = defaultTarget ? ModelPaths.defaultTarget() : Path.of(m.target());
            Path draft = !m.draft().isBlank() ? Path.of(m.draft()) : (defaultTarget ? ModelPaths.defaultDraft() : null);
            ai.djl.Device device = DeviceSelector.select(m.device());
            ModelLoader loader = new ModelLoader(device, properties.maxBudget() + 2, ForwardBackend.parse(m.backend(), device));
            long start = System.nanoTime();
            LanguageModel targetModel = loader.load(target);
            LanguageModel draftModel = draft != null ? loader.load(draft) : null;
            SpeculativeDecoder decoder = new SpeculativeDecoder(targetModel, draftModel, properties.maxBudget());
            if (properties.calibration().measureCost()) {
                // without a draft the target's curve still prices context proposals (ngram-tree, adaptive)
                CausalLm draftLm = draftModel == null ? null : draftModel.lm();
                treeCost.measured(MeasuredTreeCost.measure(targetModel.lm(), draftLm, properties.maxBudget())
                        .follow(targetModel.lm(), draftLm));
            }
            modelName = m.name().isBlank() ? targetModel.name() : m.name();
            InferenceEngine started = new InferenceEngine(decoder, new InferenceEngine.Limits(properties.limits().maxConcurrent(),
                    properties.limits().maxQueued(), properties.limits().batchDrafts(),
                    properties.limits().prefillChunk(), properties.limits().maxGenerationTime(),
                    properties.limits().maxBatchRows(), properties.limits().reusePrefixes(),
                    properties.limits().prefixCacheSlots()));
            // requests get the engine only once it is warm (until then: 503, models still loading)
            EngineWarmUp.Report warmed = startupWarmUp.run(started);
            // observed only now: the warm-up's made-up prompt would bend the learned acceptance curve
            decoder.addObserver(acceptance);
            synchronized (this) {
                if (!running) { // stopped while loading or warming up: nobody may get this engine
                    started.close();
                    return;
                }
                engine = started;
                warmUp = warmed;
                state = State.READY;
            }
            log.info("loaded target {} and draft {} in {} ms ({} forward, target weights {})", target, draft,
                    (System.nanoTime() - start) / 1_000_000, targetModel.lm().backend().name().toLowerCase(java.util.Locale.ROOT),
                    targetModel.lm().weightStorage());
            TorchThreads.busyHostWarning().ifPresent(log::warn);
            AvailabilityChangeEvent.publish(events, this, ReadinessState.ACCEPTING_TRAFFIC);
        } catch (RuntimeException | Error e) {
            failure = e.getMessage() == null ? e.toString() : e.getMessage();
            state = State.FAILED;
            log.error("model loading failed: {}", failure);
        }
    }

    /** What the warm-up before readiness did; empty when it was switched off or the models are not loaded. */
    public Optional<EngineWarmUp.Report> warmUp() {
        return Optional.ofNullable(warmUp);
    }

    public State state() {
        return state;
    }

    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    /** The engine, or an exception answered with 503 while models are not loaded. */
    public InferenceEngine engine() {
        InferenceEngine e = engine;
        if (e == null) {
            // the reason (file paths included) is for operators: health details on the management port
            throw new ModelsUnavailableException(state == State.FAILED
                    ? "the models failed to load; the server's health endpoint and log say why" : "models are still loading");
        }
        return e;
    }

    public String modelName() {
        return modelName;
    }

    /**
     * Stops the engine and frees the models. A later {@link #start()} loads them again: until then
     * requests get 503 and readiness is DOWN, never a stopped engine that would leave clients waiting.
     */
    @Override
    public void stop() {
        InferenceEngine e;
        synchronized (this) {
            running = false;
            e = engine;
            engine = null;
            warmUp = null;
            state = State.LOADING;
        }
        AvailabilityChangeEvent.publish(events, this, ReadinessState.REFUSING_TRAFFIC);
        if (e != null && e.shutdown(properties.limits().shutdownDrain())) {
            e.decoder().close();
        }
        saveCalibration();
    }

    private void saveCalibration() {
        String file = properties.calibration().file();
        if (file.isBlank()) {
            return;
        }
        try {
            java.nio.file.Files.writeString(Path.of(file), acceptance.export());
        } catch (java.io.IOException ex) {
            log.warn("could not save the acceptance model to {}: {}", file, ex.getMessage());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /**
     * Not stopped when Spring's test-context cache pauses an idle context: reloading the models on every
     * context switch would cost seconds per test class for nothing.
     */
    @Override
    public boolean isPauseable() {
        return false;
    }

    /** Stop late (after the web server stops accepting) so running streams can drain. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 2048;
    }
}
