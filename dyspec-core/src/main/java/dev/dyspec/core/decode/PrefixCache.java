package dev.dyspec.core.decode;

import dev.dyspec.core.model.KvCache;
import dev.dyspec.core.model.KvPool;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Finished generations' caches, kept in pool slots no generation holds, so that a prompt beginning with a
 * sequence already run through the models — a shared system prompt, the earlier turns of a conversation,
 * the same prompt again — skips prefilling that part. A new generation copies the longest cached prefix of
 * its prompt into a free slot (rows, not forwards); with no slot free it takes over the best entry itself.
 * Entries give their slots up, least recently used first, whenever a generation needs one, so caching never
 * refuses a request the pools could serve without it.
 *
 * <p>Reuse changes no output beyond what batching already may: an entry's rows are the keys and values of the
 * same tokens at the same positions, computed by the forwards that ran them (a prefill chunk, or the tree row a
 * token was accepted from) — the same numbers a prefill computes wherever a row's result does not depend on the
 * rows beside it, as with the Java kernel.
 */
final class PrefixCache implements SpeculativeDecoder.SessionCaches {

    /** Shorter shared prefixes are prefilled: a copy would save next to nothing. */
    static final int MIN_REUSED = 4;

    /**
     * Caches for a new generation.
     *
     * @param draft null when the generation runs without the draft
     * @param reused leading prompt tokens the target cache already holds
     * @param draftReused leading prompt tokens the draft cache already holds, at most {@code reused}: an entry
     *                    left by a generation without the draft gives the target's rows only (the draft's
     *                    forward over the rest costs a fraction of the target's)
     */
    record Claim(KvCache target, KvCache draft, int reused, int draftReused) {
    }

    private static final class Entry {
        final int[] tokens;     // what the target cache holds; the draft cache holds the first draftValid of them
        final KvCache target;
        final KvCache draft;    // null: cached by a generation without the draft
        final int draftValid;
        long used;

        Entry(int[] tokens, KvCache target, KvCache draft, int draftValid, long used) {
            this.tokens = tokens;
            this.target = target;
            this.draft = draft;
            this.draftValid = draftValid;
            this.used = used;
        }

        void close() {
            PrefixCache.close(target, draft);
        }
    }

    private final KvPool targetPool;
    private final KvPool draftPool; // null without a draft model
    private final boolean enabled;
    private final List<Entry> entries = new ArrayList<>();
    private long clock;
    private long hits;
    private long reusedTokens;

    /**
     * @param enabled false: every claim gets empty caches and every release frees its slots at once
     */
    PrefixCache(KvPool targetPool, KvPool draftPool, boolean enabled) {
        this.targetPool = targetPool;
        this.draftPool = draftPool;
        this.enabled = enabled;
    }

    /**
     * Caches for a generation of {@code prompt}, holding as much of it as some entry shares — never its
     * last token, which the first step runs as the root of its tree. The entry sharing the most target rows
     * wins (they cost the most to prefill), then the one sharing the most draft rows.
     *
     * @param reuse false when the prompt must go through the target anyway (its log-probabilities were asked for)
     * @throws KvPool.KvPoolExhaustedException when generations hold every slot
     */
    @Override
    public synchronized Claim claim(int[] prompt, boolean needsDraft, boolean reuse) {
        Entry best = null;
        int shared = 0;
        int draftShared = 0;
        if (enabled && reuse) {
            for (Entry e : entries) {
                int n = sharedPrefix(e.tokens, prompt, prompt.length - 1);
                int d = needsDraft && e.draft != null ? Math.min(n, e.draftValid) : 0;
                if (n > shared || n == shared && d > draftShared) {
                    best = e;
                    shared = n;
                    draftShared = d;
                }
            }
        }
        if (shared < MIN_REUSED) {
            best = null;
            shared = 0;
            draftShared = 0;
        }
        evictUntilFree(needsDraft, best);
        KvCache target = null;
        KvCache draft = null;
        try {
            if (best != null && targetPool.freeSlots() == 0) {
                // no slot to copy into: the entry's own caches go to the new generation, cut back to what it shares
                entries.remove(best);
                target = best.target;
                target.truncate(shared);
                if (needsDraft && best.draft != null) {
                    draft = best.draft;
                    draft.truncate(draftShared);
                } else if (best.draft != null) {
                    best.draft.close();
                }
            } else {
                target = targetPool.acquire();
                if (best != null) {
                    target.copyPrefix(best.target, shared);
                    best.used = ++clock;
                }
            }
            if (needsDraft && draft == null) {
                draft = draftPool.acquire();
                if (draftShared > 0) {
                    draft.copyPrefix(best.draft, draftShared);
                }
            }
        } catch (RuntimeException e) {
            if (target != null) {
                close(target, draft);
            }
            throw e;
        }
        if (best != null) {
            hits++;
            reusedTokens += shared;
        }
        return new Claim(target, draft, shared, draftShared);
    }

    /**
     * A generation is done with its caches: they become an entry for {@code sequence} (its prompt and
     * output), or go back to their pools.
     *
     * @param reusable false when the caches may not hold what the sequence says (the generation failed
     *                 midway through a step): then they are freed
     */
    @Override
    public synchronized void release(int[] sequence, KvCache target, KvCache draft, boolean reusable) {
        int targetValid = Math.min(sequence.length, target.committed());
        int draftValid = draft == null ? 0 : Math.min(targetValid, draft.committed());
        if (!enabled || !reusable || targetValid < MIN_REUSED) {
            close(target, draft);
            return;
        }
        target.discardScratch();
        if (draft != null) {
            draft.discardScratch();
        }
        // an entry the new one extends answers nothing the new one does not, and holds slots
        for (var it = entries.iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (e.tokens.length <= targetValid && (e.draft == null || e.draftValid <= draftValid)
                    && sharedPrefix(e.tokens, sequence, targetValid) == e.tokens.length) {
                it.remove();
                e.close();
            }
        }
        entries.add(new Entry(Arrays.copyOf(sequence, targetValid), target, draft, draftValid, ++clock));
    }

    /** Entries held now: each holds one target pool slot (and one draft pool slot when it has a draft cache). */
    synchronized int entries() {
        return entries.size();
    }

    /** Claims that reused a prefix, and the prompt tokens they did not prefill, since the start. */
    synchronized long hits() {
        return hits;
    }

    synchronized long reusedTokens() {
        return reusedTokens;
    }

    /** Frees every entry's slots. */
    synchronized void clear() {
        entries.forEach(Entry::close);
        entries.clear();
    }

    private boolean free(boolean needsDraft) {
        return targetPool.freeSlots() > 0 && (!needsDraft || draftPool.freeSlots() > 0);
    }

    /** Frees slots, least recently used entry first, sparing {@code keep}, until a claim finds what it needs. */
    private void evictUntilFree(boolean needsDraft, Entry keep) {
        entries.sort(Comparator.comparingLong(e -> e.used));
        for (var it = entries.iterator(); it.hasNext() && !free(needsDraft); ) {
            Entry e = it.next();
            if (e != keep) {
                it.remove();
                e.close();
            }
        }
    }

    private static void close(KvCache target, KvCache draft) {
        target.close();
        if (draft != null) {
            draft.close();
        }
    }

    /** How many leading tokens a and b[0, bLength) share. */
    private static int sharedPrefix(int[] a, int[] b, int bLength) {
        int n = Math.min(a.length, Math.min(bLength, b.length));
        int mismatch = Arrays.mismatch(a, 0, n, b, 0, n);
        return mismatch < 0 ? n : mismatch;
    }
}
