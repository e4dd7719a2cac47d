package dev.dyspec.core.decode;

import dev.dyspec.api.AcceptanceObserver;
import dev.dyspec.core.model.KvCache;
import dev.dyspec.core.model.KvPool;
import dev.dyspec.core.model.LanguageModel;
import dev.dyspec.core.model.ModelLoader;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loaded target (and optional draft) that starts generation sessions. Knows no strategy by name:
 * each request brings its own {@link dev.dyspec.api.TreeStrategy}.
 */
public final class SpeculativeDecoder implements AutoCloseable {

    private final LanguageModel target;
    private final LanguageModel draft;
    private final int maxBudget;
    private final List<AcceptanceObserver> observers = new CopyOnWriteArrayList<>();
    private KvPool targetPool; // null until reserveSessions
    private KvPool draftPool;
    private PrefixCache prefixes; // null until reserveSessions

    /**
     * @param draft may be null: then only strategies without a draft run
     * @param maxBudget the largest tree a request may ask for
     */
    public SpeculativeDecoder(LanguageModel target, LanguageModel draft, int maxBudget) {
        if (draft != null) {
            ModelLoader.checkPair(target, draft);
        }
        if (maxBudget < 1) {
            throw new IllegalArgumentException("maximum budget must be at least 1, got " + maxBudget);
        }
        this.target = target;
        this.draft = draft;
        this.maxBudget = maxBudget;
    }

    public LanguageModel target() {
        return target;
    }

    public Optional<LanguageModel> draft() {
        return Optional.ofNullable(draft);
    }

    public int maxBudget() {
        return maxBudget;
    }

    /**
     * The longest sequence a generation may reach: the target's context, or the draft's when that is
     * shorter (a draft never sees positions past its own context).
     */
    public int contextLimit() {
        int limit = target.config().maxPositions();
        return draft == null ? limit : Math.min(limit, draft.config().maxPositions());
    }

    /** Receives every verification outcome of every session started from now on. */
    public void addObserver(AcceptanceObserver observer) {
        observers.add(observer);
    }

    /** The start token followed by the text's tokens. */
    public int[] encodePrompt(String text) {
        int[] body = text == null || text.isEmpty() ? new int[0] : target.tokenizer().encode(text);
        int[] ids = new int[body.length + 1];
        ids[0] = target.bosId();
        System.arraycopy(body, 0, ids, 1, body.length);
        return ids;
    }

    /** Validates the request's strategy options and starts a session (prefilling the prompt). */
    public GenerationSession start(GenerationRequest request) {
        request.strategy().validate(request.options(), maxBudget);
        return new GenerationSession(target, draft, request, maxBudget, contextLimit(), observers, caches(), false);
    }

    /**
     * Like {@link #start} but runs no forward: the prompt waits for {@link GenerationSession#prefillChunk},
     * so an engine can prefill it in chunks alongside the steps of running generations.
     */
    public GenerationSession startChunked(GenerationRequest request) {
        request.strategy().validate(request.options(), maxBudget);
        return new GenerationSession(target, draft, request, maxBudget, contextLimit(), observers, caches(), true);
    }

    /** Where a session's caches come from, and where they go when it is done. */
    interface SessionCaches {
        /**
         * @param reuse whether the caches may come holding a prefix of the prompt already
         */
        PrefixCache.Claim claim(int[] prompt, boolean needsDraft, boolean reuse);

        /**
         * @param sequence the prompt and what was generated
         * @param reusable whether the caches hold that sequence consistently (no step was cut off midway)
         */
        void release(int[] sequence, KvCache target, KvCache draft, boolean reusable);
    }

    /** Entries a session's cache holds: the whole context plus the largest tree. */
    public int sessionCapacity() {
        return contextLimit() + maxBudget + 2;
    }

    /**
     * Allocates the caches of {@code sessions} concurrent sessions now, in one pool per model, so serving
     * never allocates cache memory per request and sessions of a pool attend together in batched
     * forwards. Without it every session allocates caches of its own.
     *
     * @param cacheSlots slots beyond {@code sessions} that only hold finished sequences for prefix reuse
     * @param reusePrefixes whether finished sequences stay in free slots for prompts that begin with them
     * @return the bytes the pools hold
     */
    public synchronized long reserveSessions(int sessions, int cacheSlots, boolean reusePrefixes) {
        if (cacheSlots < 0) {
            throw new IllegalArgumentException("prefix cache slots must be at least 0, got " + cacheSlots);
        }
        closePools();
        targetPool = target.lm().newPool(sessions + cacheSlots, sessionCapacity());
        draftPool = draft == null ? null : draft.lm().newPool(sessions + cacheSlots, sessionCapacity());
        prefixes = new PrefixCache(targetPool, draftPool, reusePrefixes);
        return targetPool.bytes() + (draftPool == null ? 0 : draftPool.bytes());
    }

    /** {@link #reserveSessions(int, int, boolean)} with prefix reuse in the slots sessions leave free. */
    public long reserveSessions(int sessions) {
        return reserveSessions(sessions, 0, true);
    }

    /** Reserved target cache slots now held by sessions (0 without reserved pools); cached prefixes not counted. */
    public synchronized int pooledSlotsInUse() {
        return targetPool == null ? 0 : targetPool.slots() - targetPool.freeSlots() - prefixes.entries();
    }

    /**
     * What prefix reuse did since the pools were reserved.
     *
     * @param entries finished sequences held now
     * @param hits sessions that started with part of their prompt cached
     * @param reusedTokens prompt tokens those did not prefill
     */
    public record PrefixReuse(int entries, long hits, long reusedTokens) {
    }

    public synchronized PrefixReuse prefixReuse() {
        return prefixes == null ? new PrefixReuse(0, 0, 0)
                : new PrefixReuse(prefixes.entries(), prefixes.hits(), prefixes.reusedTokens());
    }

    private synchronized SessionCaches caches() {
        if (prefixes != null) {
            return prefixes;
        }
        int capacity = sessionCapacity();
        return new SessionCaches() {
            @Override
            public PrefixCache.Claim claim(int[] prompt, boolean needsDraft, boolean reuse) {
                KvCache t = target.lm().newCache(capacity);
                try {
                    return new PrefixCache.Claim(t, needsDraft ? draft.lm().newCache(capacity) : null, 0, 0);
                } catch (RuntimeException | Error e) {
                    t.close();
                    throw e;
                }
            }

            @Override
            public void release(int[] sequence, KvCache target, KvCache draft, boolean reusable) {
                target.close();
                if (draft != null) {
                    draft.close();
                }
            }
        };
    }

    private synchronized void closePools() {
        if (prefixes != null) {
            prefixes.clear();
        }
        if (targetPool != null) {
            targetPool.close();
        }
        if (draftPool != null) {
            draftPool.close();
        }
        prefixes = null;
        targetPool = null;
        draftPool = null;
    }

    /** Runs a whole generation on the calling thread. */
    public GenerationResult generate(GenerationRequest request) {
        try (GenerationSession session = start(request)) {
            while (!session.finished()) {
                session.step();
            }
            return new GenerationResult(session.text(), session.generatedTokens(), session.promptTokens(),
                    session.finishReason(), session.stats());
        }
    }

    @Override
    public void close() {
        closePools();
        target.close();
        if (draft != null) {
            draft.close();
        }
    }
}
