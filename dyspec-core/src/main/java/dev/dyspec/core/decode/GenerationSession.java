package dev.dyspec.core.decode;

import dev.dyspec.api.AcceptanceObserver;
import dev.dyspec.api.BatchCompany;
import dev.dyspec.api.ContextNgrams;
import dev.dyspec.api.DraftHandle;
import dev.dyspec.api.GenerationStats;
import dev.dyspec.api.SamplingParams;
import dev.dyspec.api.TokenTree;
import dev.dyspec.api.StrategyOptions;
import dev.dyspec.api.TreeBuilder;
import dev.dyspec.core.model.CausalLm;
import dev.dyspec.core.model.KvCache;
import dev.dyspec.core.model.LanguageModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * One request's generation: both caches, the emitted tokens, stop conditions, statistics and its own
 * random source. Each {@link #step()} is one round of strategy → draft tree → target forward →
 * verification → commit.
 */
public final class GenerationSession implements AutoCloseable {

    public static final String FINISH_STOP = "stop";
    public static final String FINISH_LENGTH = "length";

    private final LanguageModel target;
    private final GenerationRequest request;
    private final KvCache targetCache;
    private final SpeculativeDecoder.SessionCaches caches;
    /** Leading prompt tokens the caches held when the session started: never prefilled. */
    private final int reusedPrompt;
    /** Between a step's (or prefill chunk's) start and its end the caches may not hold what the tokens say. */
    private boolean midStep;
    private boolean closed;
    private final DraftModelHandle draft;       // null for strategies without a draft
    private final CausalLm draftLm;
    private final TreeVerifier verifier = new TreeVerifier();
    private final RandomGenerator random;
    private final GeneratedText text;
    private final StatsRecorder stats = new StatsRecorder();
    private final int contextLimit;
    private final int maxBudget;
    private final List<AcceptanceObserver> observers;
    /** Whether the draft's distributions are the request's, so draw probabilities mean what the learned curve assumes. */
    private final boolean draftAtRequestShape;
    private final LogitAdjuster adjuster;
    private final List<TokenLogprob> logprobs = new ArrayList<>();
    private final List<TokenLogprob> promptLogprobs = new ArrayList<>();
    /** The prompt (all but its last token) still to go through the models, in chunked mode. */
    private final int[] unprefilled;
    private int prefilled; // index into unprefilled
    private int[] generated = new int[64]; // (capacity) the output so far in [0, generatedCount), grown by doubling
    private int generatedCount;
    private int root;
    private String finishReason;

    /**
     * @param caches where this session's target and draft caches come from (a shared pool, or memory of their own)
     * @param chunkedPrefill leave the prompt for {@link #prefillChunk} instead of prefilling it now
     */
    GenerationSession(LanguageModel target, LanguageModel draftModel, GenerationRequest request, int maxBudget,
                      int contextLimit, List<AcceptanceObserver> observers, SpeculativeDecoder.SessionCaches caches,
                      boolean chunkedPrefill) {
        this.observers = observers;
        this.target = target;
        this.request = request;
        this.contextLimit = contextLimit;
        this.maxBudget = maxBudget;
        int[] prompt = request.promptTokens();
        if (prompt.length > contextLimit) {
            throw new IllegalArgumentException("prompt of " + prompt.length + " tokens is longer than the context of "
                    + contextLimit + " tokens");
        }
        int vocab = target.lm().scoredVocab();
        for (int t : prompt) {
            if (t < 0 || t >= vocab) {
                throw new IllegalArgumentException("prompt token " + t + " outside the vocabulary [0, " + vocab + ")");
            }
        }
        this.random = new SplittableRandom(request.params().seed());
        this.adjuster = new LogitAdjuster(request.adjustment());
        this.text = new GeneratedText(target.tokenizer(), prompt, request.stopStrings());
        int[] prefix = Arrays.copyOf(prompt, prompt.length - 1);
        this.root = prompt[prompt.length - 1];
        if (request.strategy().usesDraft() && draftModel == null) {
            throw new IllegalArgumentException("strategy '" + request.strategy().name() + "' needs a draft model and none is loaded");
        }
        boolean useDraft = request.strategy().usesDraft();
        this.draftLm = useDraft ? draftModel.lm() : null;
        this.caches = caches;
        // a prompt whose log-probabilities were asked for goes through the target whole
        PrefixCache.Claim claim = caches.claim(prompt, useDraft, !request.logprobs().prompt());
        this.targetCache = claim.target();
        this.reusedPrompt = claim.reused();
        DraftModelHandle draftHandle = null;
        try {
            SamplingParams draftParams = draftShape(request.params(), request.strategy().draftTemperature(request.options()));
            draftAtRequestShape = draftParams.equals(request.params());
            int[] uncached = Arrays.copyOfRange(prefix, reusedPrompt, prefix.length);
            // what the draft's cache lacks of the prompt waits as pending tokens (chunked: only what the target
            // had cached; the chunks still to come go to both)
            int[] draftPending = Arrays.copyOfRange(prefix, claim.draftReused(), chunkedPrefill ? reusedPrompt : prefix.length);
            draftHandle = useDraft ? new DraftModelHandle(draftModel.lm(), claim.draft(), draftParams, draftPending,
                    this::context, adjuster) : null;
            this.draft = draftHandle;
            this.unprefilled = chunkedPrefill ? prefix : new int[0];
            this.prefilled = chunkedPrefill ? reusedPrompt : 0;
            long start = System.nanoTime();
            if (!chunkedPrefill && prefix.length > 0 && request.logprobs().prompt()) {
                prefillScoringPrompt(prefix, prompt);
            } else if (!chunkedPrefill && uncached.length > 0) {
                target.lm().prefill(targetCache, uncached);
            }
            stats.prefill(System.nanoTime() - start);
        } catch (RuntimeException | Error e) {
            caches.release(prompt, targetCache, claim.draft(), false); // slots of a shared pool go back
            throw e;
        }
    }

    /**
     * The parameters the draft's distributions are shaped with: the request's, or the strategy's draft
     * temperature (with the request's top-p when it samples). How children are drawn, chosen or sampled,
     * still follows the request.
     */
    static SamplingParams draftShape(SamplingParams request, double draftTemperature) {
        if (Double.isNaN(draftTemperature)) {
            return request;
        }
        return new SamplingParams(draftTemperature, request.isGreedy() ? 1.0 : request.topP(), request.seed());
    }

    /** Whether prompt tokens still wait for {@link #prefillChunk}; no step runs before they are in. */
    public boolean prefilling() {
        return prefilled < unprefilled.length;
    }

    /**
     * The next chunk of the prompt as rows for a batched target forward (the draft takes the same chunk
     * now, in a forward of its own: it costs a fraction of the target's). Then {@link #prefillDone}.
     */
    public CausalLm.Rows prefillChunk(int maxTokens) {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("a prefill chunk needs at least one token, got " + maxTokens);
        }
        midStep = true;
        long start = System.nanoTime();
        // no prefilled + maxTokens: an engine with nothing else to run passes Integer.MAX_VALUE
        int[] chunk = Arrays.copyOfRange(unprefilled, prefilled, prefilled + Math.min(maxTokens, unprefilled.length - prefilled));
        if (draft != null) {
            draft.prefill(chunk);
        }
        stats.prefill(System.nanoTime() - start);
        return CausalLm.Rows.chain(targetCache, chunk, request.logprobs().prompt());
    }

    /**
     * A chunk went through the target: it joins the cache, its rows' scores become the prompt's
     * log-probabilities when asked for.
     *
     * @param logits the chunk's rows, or null when the request wants no prompt log-probabilities
     */
    public void prefillDone(CausalLm.Rows chunk, float[][] logits, long targetNanos) {
        targetCache.commitScratch();
        if (logits != null) {
            int[] prompt = request.promptTokens();
            for (int i = 0; i < logits.length; i++) {
                promptLogprobs.add(TokenLogprob.of(logits[i], prompt[prefilled + i + 1], request.logprobs().top()));
            }
        }
        prefilled += chunk.tokens().length;
        stats.prefill(targetNanos);
        midStep = false;
    }

    /** Runs one speculative step; call until {@link StepResult#finished()}. */
    public StepResult step() {
        Proposal proposal = propose(draft == null ? null : DraftForwarder.direct(draftLm));
        long targetStart = System.nanoTime();
        float[][] logits = target.lm().forward(List.of(proposal.rows()), true).get(0);
        return accept(proposal, logits, System.nanoTime() - targetStart);
    }

    /**
     * A grown tree waiting for the target's scores.
     *
     * @param rows the tree as new rows against this session's target cache
     */
    public record Proposal(TokenTree tree, CausalLm.Rows rows, long startNanos) {
    }

    /**
     * The first part of a step: the strategy grows this step's tree (draft forwards included).
     *
     * @param draftForwarder runs the draft forwards; may be null for a generation that uses no draft
     */
    public Proposal propose(DraftForwarder draftForwarder) {
        return propose(draftForwarder, Integer.MAX_VALUE, BatchCompany.ALONE);
    }

    /**
     * @param budgetCap the most nodes this step's tree may have whatever the request asked for: an engine
     *                  sharing its forwards among many requests caps each tree so the batch stays affordable
     * @param company   what else the engine's target forward holds this step (adaptive size prices nodes by it)
     */
    public Proposal propose(DraftForwarder draftForwarder, int budgetCap, BatchCompany company) {
        if (finishReason != null) {
            throw new IllegalStateException("generation already finished (" + finishReason + ")");
        }
        if (prefilling()) {
            throw new IllegalStateException("the prompt is not prefilled yet");
        }
        midStep = true;
        long start = System.nanoTime();
        if (draft != null) {
            draft.beginStep(draftForwarder != null ? draftForwarder : DraftForwarder.direct(draftLm), company);
        }
        StrategyOptions options = budgetCap < request.options().budget()
                ? request.options().withBudget(Math.max(1, budgetCap)) : request.options();
        // with one token left a tree's drafts could only be discarded: the root's own row gives that token
        TokenTree tree = tokensLeft() <= 1 ? TreeBuilder.rooted(root).build()
                : request.strategy().grow(draft != null ? draft : contextOnly, root, options, request.params(), random);
        if (tree.token(0) != root) {
            throw new IllegalStateException("strategy '" + request.strategy().name() + "' returned a tree with the wrong root");
        }
        if (tree.draftedNodes() > maxBudget) {
            throw new IllegalStateException("strategy '" + request.strategy().name() + "' drafted " + tree.draftedNodes()
                    + " nodes, over the maximum budget " + maxBudget);
        }
        int committed = targetCache.committed();
        int[] positions = new int[tree.size()];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = committed + tree.depth(i);
        }
        return new Proposal(tree, new CausalLm.Rows(targetCache, tree.tokens(), positions, tree.ancestorMask()), start);
    }

    /**
     * The rest of a step, once the target scored the proposal's rows: verification, cache updates,
     * emission.
     *
     * @param targetNanos this step's share of the target forward
     */
    public StepResult accept(Proposal proposal, float[][] logits, long targetNanos) {
        TokenTree tree = proposal.tree();
        long start = proposal.startNanos();
        float[][] raw = logits;
        if (adjuster.active()) {
            if (request.logprobs().generated()) {
                raw = new float[logits.length][];
                for (int n = 0; n < logits.length; n++) {
                    raw[n] = logits[n].clone();
                }
            }
            for (int n = 0; n < tree.size(); n++) {
                adjuster.adjust(logits[n], LogitAdjuster.pathTokens(n, tree::parent, tree::token));
            }
        }
        Verification v = verifier.verify(tree, logits, request.params(), random);
        for (AcceptanceObserver o : observers) {
            for (Verification.ChildOutcome c : v.examined()) {
                if (c.evidence() != null) {
                    o.observeContext(c.evidence(), c.accepted(), request.params());
                } else if (draftAtRequestShape) {
                    // a draft sharpened to another temperature draws with other probabilities: learning them
                    // would bend the curve the calibrated strategies read at the request's temperature
                    o.observe(c.draftProbability(), c.depth(), c.accepted(), request.params());
                }
            }
        }
        int[] path = v.acceptedPath();
        targetCache.keep(path);
        if (draft != null) {
            int[] builderPath = new int[path.length];
            int[] pathTokens = new int[path.length];
            for (int i = 0; i < path.length; i++) {
                builderPath[i] = tree.builderIndex(path[i]);
                pathTokens[i] = tree.token(path[i]);
            }
            draft.commit(builderPath, pathTokens);
        }
        int[] emitted = emit(tree, v);
        adjuster.record(emitted);
        List<TokenLogprob> stepLogprobs = List.of();
        if (request.logprobs().generated()) {
            TokenLogprob[] step = new TokenLogprob[emitted.length];
            for (int i = 0; i < emitted.length; i++) {
                // emitted token i was predicted at the i-th node of the accepted path
                step[i] = TokenLogprob.of(raw[path[i]], emitted[i], request.logprobs().top());
            }
            stepLogprobs = List.of(step);
            logprobs.addAll(stepLogprobs);
        }
        String delta = text.append(emitted);
        if (finishReason == null && text.stopped()) {
            finishReason = FINISH_STOP;
        }
        if (finishReason != null) {
            delta += text.flush();
        }
        stats.step(tree, v, emitted.length, targetNanos, System.nanoTime() - start);
        midStep = false;
        double estimate = 0;
        for (int n = 1; n < tree.size(); n++) {
            estimate += tree.value(n);
        }
        return new StepResult(emitted, delta, tree.draftedNodes(), v.acceptedCount(), estimate, finishReason,
                stepLogprobs);
    }

    /** Appends the accepted tokens and the bonus token, stopping at a stop token or a length limit. */
    private int[] emit(TokenTree tree, Verification v) {
        int[] path = v.acceptedPath();
        int[] candidates = new int[path.length];
        for (int i = 1; i < path.length; i++) {
            candidates[i - 1] = tree.token(path[i]);
        }
        candidates[path.length - 1] = v.bonusToken();
        int n = 0;
        for (int token : candidates) {
            if (isStopToken(token)) {
                finishReason = FINISH_STOP;
                break;
            }
            n++;
            // The last token is never fed back, so a sequence may hold contextLimit + 1 tokens while
            // every emitted token was predicted from a position inside the context.
            if (generatedCount + n >= request.maxTokens()
                    || request.promptTokens().length + generatedCount + n >= contextLimit + 1) {
                finishReason = FINISH_LENGTH;
                break;
            }
        }
        int[] out = Arrays.copyOf(candidates, n);
        if (generatedCount + n > generated.length) { // doubling: a long output is not copied whole every step
            generated = Arrays.copyOf(generated, Math.max(2 * generated.length, generatedCount + n));
        }
        System.arraycopy(out, 0, generated, generatedCount, n);
        generatedCount += n;
        root = v.bonusToken();
        return out;
    }

    /** Tokens this generation may still emit, by max_tokens and by the context. */
    private int tokensLeft() {
        return Math.min(request.maxTokens() - generatedCount,
                contextLimit + 1 - request.promptTokens().length - generatedCount);
    }

    /** End of text, or a start token: llama2.c-trained models mark a new story with it. */
    private boolean isStopToken(int token) {
        return token == target.eosId() || token == target.bosId();
    }

    /** Whether this generation's strategy drafts with the draft model. */
    public boolean usesDraft() {
        return draft != null;
    }

    public boolean finished() {
        return finishReason != null;
    }

    public String finishReason() {
        return finishReason;
    }

    public int[] generatedTokens() {
        return Arrays.copyOf(generated, generatedCount);
    }

    /** One per generated token when the request asked for log-probabilities. */
    public List<TokenLogprob> logprobs() {
        return List.copyOf(logprobs);
    }

    /** One per prompt token after the first when the request asked for the prompt's log-probabilities. */
    public List<TokenLogprob> promptLogprobs() {
        return List.copyOf(promptLogprobs);
    }

    /** Prefill rows that predict prompt tokens are scored this many at a time, bounding the logits held. */
    private static final int SCORED_PREFILL_CHUNK = 64;

    /** Prefill that keeps each prompt token's log-probability given the tokens before it. */
    private void prefillScoringPrompt(int[] prefix, int[] prompt) {
        for (int from = 0; from < prefix.length; from += SCORED_PREFILL_CHUNK) {
            int[] chunk = Arrays.copyOfRange(prefix, from, Math.min(prefix.length, from + SCORED_PREFILL_CHUNK));
            float[][] rows = target.lm().forwardChain(targetCache, chunk, true);
            targetCache.commitScratch();
            for (int i = 0; i < rows.length; i++) {
                promptLogprobs.add(TokenLogprob.of(rows[i], prompt[from + i + 1], request.logprobs().top()));
            }
        }
    }

    public String text() {
        return text.text();
    }

    public int promptTokens() {
        return request.promptTokens().length;
    }

    public GenerationStats stats() {
        return stats.snapshot(draft == null ? 0 : draft.forwards(), draft == null ? 0 : draft.nanos());
    }

    /** Leading prompt tokens this session found cached and did not prefill. */
    public int reusedPromptTokens() {
        return reusedPrompt;
    }

    /**
     * Hands the caches back: with reserved pools they stay as a cached prefix for later prompts that begin
     * with this one's prompt and output, unless a step was cut off midway.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        int[] prompt = request.promptTokens();
        int[] sequence = Arrays.copyOf(prompt, prompt.length + generatedCount);
        System.arraycopy(generated, 0, sequence, prompt.length, generatedCount);
        caches.release(sequence, targetCache, draft == null ? null : draft.cache(), !midStep);
    }


    /** What a strategy without a draft model gets: the request's context, no forwards. */
    private final DraftHandle contextOnly = new DraftHandle() {
        @Override
        public float[][] expand(TreeBuilder tree, int[] nodes) {
            throw new IllegalStateException("this strategy was declared not to use a draft model");
        }

        @Override
        public int vocabSize() {
            return target.lm().scoredVocab();
        }

        @Override
        public ContextNgrams context() {
            return GenerationSession.this.context();
        }
    };

    /** Longest suffix matched against the context by n-gram proposals. */
    static final int NGRAM_ORDER = 4;

    private ContextNgrams ngrams;

    /**
     * The request's tokens indexed by n-grams, built on first use (a strategy that never asks pays
     * nothing) and brought up to date with the tokens emitted since.
     */
    ContextNgrams context() {
        int[] prompt = request.promptTokens();
        if (ngrams == null) {
            ngrams = new ContextNgrams(NGRAM_ORDER);
            ngrams.append(prompt);
        }
        for (int i = ngrams.size() - prompt.length; i < generatedCount; i++) {
            ngrams.append(generated[i]);
        }
        return ngrams;
    }
}
