package dev.dyspec.strategies;

import dev.dyspec.api.AcceptanceEstimator;
import dev.dyspec.api.DraftHandle;
import dev.dyspec.api.SamplingParams;
import dev.dyspec.api.StrategyOptions;
import dev.dyspec.api.TokenTree;
import dev.dyspec.api.TreeCost;
import dev.dyspec.api.TreeStrategy;
import java.util.random.RandomGenerator;

/**
 * DySpec's Algorithm 1 (fixed size): a max-heap of sampling actions ordered by value, the estimated
 * probability that the token they draw is accepted ({@link DySpecGrowth}). With the paper's estimate
 * a(r) = r and the paper's draft temperature (0.6) it is {@code dyspec}; a learned
 * {@link AcceptanceEstimator} gives {@code dyspec-calibrated}; {@code dyspec-ngram} also offers the
 * tokens that followed the current suffix earlier in the request as candidates, with their own learned
 * acceptance, so the tree spends its budget on whichever source pays. With {@code expansionsPerForward}
 * = b up to b draws share one draft forward; b = 1 is the paper's algorithm. With
 * {@link StrategyOptions#adaptiveSize()} the tree stops growing once the next node no longer pays for
 * the extra forward cost ({@link SizeRule}); the budget is then a cap.
 */
public final class DySpecStrategy implements TreeStrategy {

    public static final String NAME = "dyspec";
    public static final String CALIBRATED_NAME = "dyspec-calibrated";
    public static final String NGRAM_NAME = "dyspec-ngram";
    /** The draft temperature the DySpec paper builds its trees with. */
    public static final double PAPER_DRAFT_TEMPERATURE = 0.6;

    private final String name;
    private final AcceptanceEstimator estimator;
    private final TreeCost cost;
    private final double defaultDraftTemperature;
    private final boolean contextProposals;

    /** The paper's algorithm: a(r) = r, draft at temperature 0.6, no cost model. */
    public DySpecStrategy() {
        this(NAME, AcceptanceEstimator.IDENTITY, null);
    }

    /**
     * The paper's values for {@link #NAME}, the request's draft temperature for the others (a learned
     * curve was learned from it).
     *
     * @param cost the step cost by tree size, used when a request asks for adaptive size; may be null
     */
    public DySpecStrategy(String name, AcceptanceEstimator estimator, TreeCost cost) {
        this(name, estimator, cost, NAME.equals(name) ? PAPER_DRAFT_TEMPERATURE : Double.NaN, NGRAM_NAME.equals(name));
    }

    /**
     * @param defaultDraftTemperature used when a request names none; NaN: the request's temperature
     * @param contextProposals offer n-gram continuations from the request's context besides the draft's draws
     */
    public DySpecStrategy(String name, AcceptanceEstimator estimator, TreeCost cost, double defaultDraftTemperature,
                          boolean contextProposals) {
        this.name = name;
        this.estimator = estimator;
        this.cost = cost;
        this.defaultDraftTemperature = defaultDraftTemperature;
        this.contextProposals = contextProposals;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void validate(StrategyOptions options, int maxBudget) {
        Draws.checkBudget(options.budget(), maxBudget);
        if (options.expansionsPerForward() < 1) {
            throw new IllegalArgumentException("expansions per draft forward must be at least 1, got "
                    + options.expansionsPerForward());
        }
        if (options.adaptiveSize() && cost == null) {
            throw new IllegalArgumentException("strategy '" + name + "' has no cost model for adaptive size");
        }
    }

    @Override
    public double draftTemperature(StrategyOptions options) {
        return options.hasDraftTemperature() ? options.draftTemperature() : defaultDraftTemperature;
    }

    @Override
    public TokenTree grow(DraftHandle draft, int rootToken, StrategyOptions options, SamplingParams params,
                          RandomGenerator random) {
        TreeCost adaptive = options.adaptiveSize() ? cost : null;
        // candidates of two sources compete on expected value; the paper orders its draws by R alone
        DySpecGrowth growth = new DySpecGrowth(draft, rootToken, options, params, random, estimator.snapshot(),
                adaptive, contextProposals);
        return (contextProposals ? growth.withContextProposals() : growth).grow();
    }

    @Override
    public String toString() {
        return name();
    }
}
