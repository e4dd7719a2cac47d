package dev.dyspec.core.decode;

import dev.dyspec.api.AcceptanceObserver;
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
        return new GenerationSession(target, draft, request, maxBudget, contextLimit(), observers);
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
        target.close();
        if (draft != null) {
            draft.close();
        }
    }
}
