package dev.dyspec.app.api;

import dev.dyspec.api.SamplingParams;
import dev.dyspec.api.StrategyOptions;
import dev.dyspec.api.TreeStrategy;
import dev.dyspec.app.config.DyspecProperties;
import dev.dyspec.app.engine.ModelService;
import dev.dyspec.app.engine.PlannedGeneration;
import dev.dyspec.app.engine.StrategyRegistry;
import dev.dyspec.app.experiment.ArmAssignment;
import dev.dyspec.app.experiment.ExperimentService;
import dev.dyspec.core.decode.GenerationRequest;
import dev.dyspec.core.decode.SpeculativeDecoder;
import dev.dyspec.strategies.NgramTreeStrategy;
import java.util.ArrayList;
import dev.dyspec.core.decode.LogitAdjustment;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Validates a request's fields and chooses its strategy: the request's own {@code dyspec.strategy},
 * else an experiment arm, else the configured default. Every mistake becomes a 4xx {@link ApiException}
 * naming the parameter.
 */
@Component
public class RequestPlanner {

    static final int DEFAULT_MAX_TOKENS = 256;

    private final DyspecProperties properties;
    private final ModelService models;
    private final StrategyRegistry strategies;
    private final ExperimentService experiments;

    public RequestPlanner(DyspecProperties properties, ModelService models, StrategyRegistry strategies,
                          ExperimentService experiments) {
        this.properties = properties;
        this.models = models;
        this.strategies = strategies;
        this.experiments = experiments;
    }

    /**
     * @param headerUser the {@code X-Dyspec-User} header, used when the body has no {@code user}
     * @param forcedArm the {@code X-Dyspec-Force-Arm} header; the caller has checked the admin key
     */
    public PlannedGeneration plan(GenerationParameters p, int[] promptTokens, String headerUser, String forcedArm) {
        SpeculativeDecoder decoder = models.engine().decoder();
        checkModel(p.model());
        Integer requested = p.requestedMaxTokens();
        int maxTokens = requested == null ? Math.min(DEFAULT_MAX_TOKENS, properties.limits().maxTokens()) : requested;
        if (maxTokens <= 0 || maxTokens > properties.limits().maxTokens()) {
            String name = p.maxTokens() == null && p.maxCompletionTokens() != null ? "max_completion_tokens" : "max_tokens";
            throw ApiException.invalid(name, name + " must be between 1 and " + properties.limits().maxTokens()
                    + ", got " + maxTokens);
        }
        double temperature = p.temperature() == null ? 1.0 : p.temperature();
        if (!(temperature >= 0 && temperature <= SamplingParams.MAX_TEMPERATURE)) {
            throw ApiException.invalid("temperature", "temperature must be in [0, 2], got " + temperature);
        }
        double topP = p.topP() == null ? 1.0 : p.topP();
        if (!(topP > 0 && topP <= 1)) {
            throw ApiException.invalid("top_p", "top_p must be in (0, 1], got " + topP);
        }
        long seed = p.seed() == null ? ThreadLocalRandom.current().nextLong() : p.seed();
        List<String> stops = stopStrings(p.stop());
        for (String s : stops) {
            if (s.length() > properties.limits().maxStopLength()) {
                throw ApiException.invalid("stop", "stop strings may be at most " + properties.limits().maxStopLength()
                        + " characters, got " + s.length());
            }
        }
        int context = decoder.contextLimit();
        int promptLimit = Math.min(context, properties.limits().maxPromptTokens());
        if (promptTokens.length > promptLimit) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_request_error", "prompt", "context_length_exceeded",
                    "the prompt is " + promptTokens.length + " tokens; this model accepts at most " + promptLimit);
        }

        String user = p.user() != null && !p.user().isEmpty() ? p.user() : headerUser;
        DyspecOptions ext = p.dyspec();
        ArmAssignment assignment = null;
        String strategyName;
        StrategyOptions options = properties.strategyDefaults().options();
        if (ext != null && ext.strategy() != null) {
            strategyName = ext.strategy();
        } else {
            Optional<ArmAssignment> assigned;
            try {
                assigned = forcedArm != null ? Optional.of(experiments.force(forcedArm)) : experiments.assign(user);
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid("X-Dyspec-Force-Arm", e.getMessage());
            }
            if (assigned.isPresent()) {
                assignment = assigned.get();
                DyspecProperties.Arm a = assignment.arm();
                strategyName = a.strategy();
                options = apply(options, a.budget(), a.threshold(), a.treeShape(), "arm " + a.name());
            } else if (decoder.draft().isEmpty() && defaultNeedsDraft()) {
                // a server without a draft speculates from the request's own context, sized adaptively so that
                // proposals the target rarely accepts (at T = 1) cost no rows: shipped target, bench budget 8,
                // 1.54-1.63x target-only at T = 0, 0.97-1.00x at T = 1
                strategyName = NgramTreeStrategy.NAME;
                options = options.withAdaptiveSize(true);
            } else {
                strategyName = properties.defaultStrategy();
                options = options.withAdaptiveSize(properties.defaultAdaptiveSize());
            }
        }
        TreeStrategy strategy;
        try {
            strategy = strategies.get(strategyName);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("dyspec.strategy", e.getMessage());
        }
        if (ext != null) {
            options = apply(options, ext.budget(), ext.threshold(), ext.treeShape(), "dyspec");
            if (ext.adaptiveSize() != null) {
                options = options.withAdaptiveSize(ext.adaptiveSize());
            }
            if (ext.expansionsPerForward() != null) {
                options = options.withExpansionsPerForward(ext.expansionsPerForward());
            }
            if (ext.draftTemperature() != null) {
                try {
                    options = options.withDraftTemperature(ext.draftTemperature());
                } catch (IllegalArgumentException e) {
                    throw ApiException.invalid("dyspec.draftTemperature", e.getMessage());
                }
            }
        }
        if (strategy.usesDraft() && decoder.draft().isEmpty()) {
            throw ApiException.invalid("dyspec.strategy", "strategy '" + strategy.name()
                    + "' needs a draft model and this server has none; use target-only");
        }
        try {
            strategy.validate(options, decoder.maxBudget());
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("dyspec", e.getMessage());
        }
        GenerationRequest request = new GenerationRequest(promptTokens, maxTokens, new SamplingParams(temperature, topP, seed),
                strategy, options, stops, adjustment(p, decoder.target().lm().scoredVocab()), p.logprobsRequest());
        return new PlannedGeneration(request, models.modelName(), assignment);
    }

    private static LogitAdjustment adjustment(GenerationParameters p, int vocab) {
        Map<Integer, Float> bias = RequestConformance.logitBias(p.logitBias());
        for (int token : bias.keySet()) {
            if (token >= vocab) {
                throw ApiException.invalid("logit_bias", "logit_bias token id " + token + " is outside this model's vocabulary [0, "
                        + vocab + ")");
            }
        }
        return new LogitAdjustment(bias, p.presencePenalty() == null ? 0 : p.presencePenalty(),
                p.frequencyPenalty() == null ? 0 : p.frequencyPenalty());
    }

    private boolean defaultNeedsDraft() {
        return !strategies.names().contains(properties.defaultStrategy())
                || strategies.get(properties.defaultStrategy()).usesDraft();
    }

    private static StrategyOptions apply(StrategyOptions options, Integer budget, Double threshold, Object treeShape,
                                         String where) {
        StrategyOptions o = options;
        if (budget != null) {
            o = o.withBudget(budget);
        }
        if (threshold != null) {
            o = o.withThreshold(threshold);
        }
        if (treeShape != null) {
            try {
                o = o.withTreeShape(StrategyOptions.parseTreeShape(treeShapeText(treeShape)));
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid("dyspec.treeShape", e.getMessage());
            }
        }
        return o;
    }

    private static String treeShapeText(Object shape) {
        if (shape instanceof List<?> list) {
            return String.join(",", list.stream().map(String::valueOf).toList());
        }
        return String.valueOf(shape);
    }

    private void checkModel(String model) {
        if (model != null && !model.isEmpty() && !model.equals(models.modelName())) {
            throw new ApiException(HttpStatus.NOT_FOUND, "invalid_request_error", "model", "model_not_found",
                    "the model '" + model + "' does not exist; this server serves '" + models.modelName() + "'");
        }
    }

    static List<String> stopStrings(Object stop) {
        if (stop == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (stop instanceof String s) {
            out.add(s);
        } else if (stop instanceof List<?> list) {
            for (Object o : list) {
                if (!(o instanceof String s)) {
                    throw ApiException.invalid("stop", "stop must be a string or an array of up to 4 strings");
                }
                out.add(s);
            }
        } else {
            throw ApiException.invalid("stop", "stop must be a string or an array of up to 4 strings");
        }
        if (out.size() > 4) {
            throw ApiException.invalid("stop", "at most 4 stop strings are allowed, got " + out.size());
        }
        if (out.stream().anyMatch(String::isEmpty)) {
            throw ApiException.invalid("stop", "stop strings must not be empty");
        }
        return out;
    }
}
