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

    /** Where a session's caches come from. */
    interface SessionCaches {
        KvCache target();

        KvCache draft();
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
     * @return the bytes the pools hold
     */
    public synchronized long reserveSessions(int sessions) {
        closePools();
        targetPool = target.lm().newPool(sessions, sessionCapacity());
        draftPool = draft == null ? null : draft.lm().newPool(sessions, sessionCapacity());
        return targetPool.bytes() + (draftPool == null ? 0 : draftPool.bytes());
    }

    /** Reserved target cache slots now held by sessions (0 without reserved pools). */
    public synchronized int pooledSlotsInUse() {
        return targetPool == null ? 0 : targetPool.slots() - targetPool.freeSlots();
    }

    private synchronized SessionCaches caches() {
        KvPool t = targetPool;
        KvPool d = draftPool;
        int capacity = sessionCapacity();
        return new SessionCaches() {
            @Override
            public KvCache target() {
                return t != null ? t.acquire() : SpeculativeDecoder.this.target.lm().newCache(capacity);
            }

            @Override
            public KvCache draft() {
                return d != null ? d.acquire() : SpeculativeDecoder.this.draft.lm().newCache(capacity);
            }
        };
    }

    private synchronized void closePools() {
        if (targetPool != null) {
            targetPool.close();
        }
        if (draftPool != null) {
            draftPool.close();
        }
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
