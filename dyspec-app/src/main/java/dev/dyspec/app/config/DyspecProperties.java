package dev.dyspec.app.config;

import dev.dyspec.api.StrategyOptions;
import dev.dyspec.core.engine.InferenceEngine;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Everything the service reads from configuration under {@code dyspec.*} (properties, YAML or
 * environment variables such as {@code DYSPEC_MODELS_TARGET}).
 *
 * @param defaultStrategy the strategy of requests that name none and fall in no experiment
 * @param defaultAdaptiveSize whether that default strategy sizes its trees adaptively (a request's own
 *     {@code dyspec.adaptiveSize} wins); the fastest setting we measured on the shipped pair
 */
@Validated
@ConfigurationProperties("dyspec")
public record DyspecProperties(
        @Valid @NotNull @DefaultValue Models models,
        @NotBlank @DefaultValue("dyspec-ngram") String defaultStrategy,
        @DefaultValue("true") boolean defaultAdaptiveSize,
        @Min(1) @Max(512) @DefaultValue("64") int maxBudget,
        @Valid @NotNull @DefaultValue StrategyDefaults strategyDefaults,
        @Valid @NotNull @DefaultValue Limits limits,
        @Valid @NotNull @DefaultValue Security security,
        @Valid @DefaultValue List<Experiment> experiments,
        @Valid @NotNull @DefaultValue Calibration calibration) {

    /**
     * The learned acceptance model and the cost model of adaptive tree sizes.
     *
     * @param file where the acceptance model is loaded from at start (when it exists) and saved at shutdown
     * @param priorGamma the prior a(r) = r^γ until data arrives (1 = the paper's identity)
     * @param measureCost measure the forward cost curve after loading the models
     */
    public record Calibration(@DefaultValue("") String file,
                              @DecimalMin(value = "0", inclusive = false) @DefaultValue("1.0") double priorGamma,
                              @DefaultValue("true") boolean measureCost) {
    }

    /**
     * @param target Hugging Face directory or llama2.c .bin of the target; empty means the shipped default
     * @param draft the draft model; empty means the shipped default when the target is the default, else none
     * @param name the model id clients send; defaults to the target's directory name
     * @param backend what computes the forward: auto (Java on a CPU when the JVM has the vector API, else
     *     DJL's PyTorch engine), java or torch
     * @param warmUp how long generations of every strategy run through the engine before readiness goes UP, so
     *     the JIT has compiled a step's code before the first request; 0 to skip
     */
    public record Models(@DefaultValue("") String target, @DefaultValue("") String draft,
                         @DefaultValue("cpu") String device, @DefaultValue("") String name,
                         @DefaultValue("auto") String backend, @NotNull @DefaultValue("3s") Duration warmUp) {
    }

    public record StrategyDefaults(@Min(1) @DefaultValue("16") int budget,
                                   @DecimalMin(value = "0", inclusive = false) @DecimalMax(value = "1", inclusive = false)
                                   @DefaultValue("0.05") double threshold,
                                   @DefaultValue("4,2,2,1,1") String treeShape) {

        /** The options a request gets before its arm or its {@code dyspec} object changes them. */
        public StrategyOptions options() {
            return StrategyOptions.defaults().withBudget(budget).withThreshold(threshold)
                    .withTreeShape(StrategyOptions.parseTreeShape(treeShape));
        }
    }

    /**
     * @param maxConcurrent generations stepped in turn on the engine thread
     * @param maxQueued requests waiting beyond those before 429
     * @param maxTokens largest max_tokens a request may ask for
     * @param maxPromptTokens largest prompt, in tokens (also bounded by the model's context)
     * @param shutdownDrain how long shutdown waits for running streams
     * @param maxPromptBytes largest prompt (all chat messages together), in UTF-8 bytes, checked before tokenizing
     * @param maxMessages most chat messages in one request
     * @param maxStopLength longest stop string, in characters
     * @param batchDrafts grow concurrent requests' trees side by side with shared draft forwards (off: in turn)
     * @param prefillChunk prompt tokens prefilled per engine step while other requests generate
     * @param maxGenerationTime wall-clock limit of one request's generation, queueing included (then 408)
     * @param busyDelay how long a request refused for lack of room waits for its 429 (slows retry storms)
     * @param maxBatchRows tree rows one engine step may score; under load each request's tree is capped at its
     *     share. 12 by default: forwards of many rows are bound by arithmetic, so under load smaller trees
     *     pay (shipped pair, Java kernel, 2 cores, 8/16 streams: dyspec-calibrated 514/562 tokens/s uncapped,
     *     677/930 at 12, 682/906 at 24, 598/863 at 32, 602/908 at 48); with two forward threads, 2 / 4 streams,
     *     two rounds: 1,488-1,493 / 1,779-1,843 at 12 against 1,079-1,166 / 1,484-1,554 at 24, level at 8 and 16
     * @param reusePrefixes keep finished requests' caches in free slots, so a prompt that begins with one (a shared
     *     system prompt, a conversation's earlier turns) skips prefilling that part; reported as
     *     {@code usage.prompt_tokens_details.cached_tokens}
     * @param prefixCacheSlots cache slots beyond {@code maxConcurrent} that only hold finished requests for reuse
     *     (each the memory of one request's full context); 0: only slots idle requests leave
     */
    public record Limits(@Min(1) @DefaultValue("4") int maxConcurrent,
                         @Min(0) @DefaultValue("16") int maxQueued,
                         @Min(1) @DefaultValue("2048") int maxTokens,
                         @Min(1) @DefaultValue("4096") int maxPromptTokens,
                         @NotNull @DefaultValue("30s") Duration shutdownDrain,
                         @Min(1) @DefaultValue("262144") int maxPromptBytes,
                         @Min(1) @DefaultValue("512") int maxMessages,
                         @Min(1) @DefaultValue("256") int maxStopLength,
                         @DefaultValue("true") boolean batchDrafts,
                         @Min(1) @DefaultValue("" + InferenceEngine.DEFAULT_PREFILL_CHUNK) int prefillChunk,
                         @NotNull @DefaultValue("10m") Duration maxGenerationTime,
                         @NotNull @DefaultValue("200ms") Duration busyDelay,
                         @Min(1) @DefaultValue("12") int maxBatchRows,
                         @DefaultValue("true") boolean reusePrefixes,
                         @Min(0) @DefaultValue("0") int prefixCacheSlots) {
    }

    /**
     * @param apiKeys when non-empty, every call but the health probes needs {@code Authorization: Bearer <one of them>}
     * @param adminKeys keys for operator actions (changing experiments at run time, forcing an arm); they
     *     also pass wherever an API key does. None configured: those actions are refused.
     */
    public record Security(@DefaultValue List<String> apiKeys, @DefaultValue List<String> adminKeys) {
    }

    /** An A/B experiment: requests without an explicit strategy are split over its arms by weight. */
    public record Experiment(@NotBlank String id, @DefaultValue("true") boolean enabled, @Valid List<Arm> arms) {
    }

    /** One arm: a strategy with its parameters and a relative weight. */
    public record Arm(@NotBlank String name, @NotBlank String strategy,
                      @DecimalMin(value = "0", inclusive = false) @DefaultValue("1") double weight,
                      Integer budget, Double threshold, String treeShape) {
    }
}
