package dev.dyspec.core.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dyspec.core.checkpoint.ModelConfig;
import dev.dyspec.core.model.CausalLm;
import dev.dyspec.core.model.KvCache;
import dev.dyspec.core.model.KvPool;
import dev.dyspec.core.testing.RandomModels;
import dev.dyspec.core.testing.TestModels;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Which entry a prompt gets, which one gives its slot up, and what is kept at all. */
class PrefixCacheTest {

    private final CausalLm lm = TestModels.random(RandomModels.config(16, 32, 1, 2, 1, 40, 64, false), 3, 8).lm();
    private final KvPool pool = lm.newPool(3, 72);

    @AfterEach
    void close() {
        pool.close();
        lm.close();
    }

    private static int[] tokens(int from, int length) {
        return IntStream.range(from, from + length).map(t -> 3 + t % 37).toArray();
    }

    /** A finished target-only generation of {@code sequence}: its cache holds all of it. */
    private void finish(PrefixCache cache, int[] sequence) {
        PrefixCache.Claim claim = cache.claim(sequence, false, false);
        lm.prefill(claim.target(), sequence);
        cache.release(sequence, claim.target(), null, true);
    }

    @Test
    void aPromptGetsTheLongestSharedPrefixButNeverItsLastToken() {
        PrefixCache cache = new PrefixCache(pool, null, true);
        int[] a = tokens(0, 20);
        finish(cache, a);
        PrefixCache.Claim same = cache.claim(a, false, true);
        assertEquals(19, same.reused(), "the last prompt token is the first step's root");
        assertEquals(19, same.target().committed());
        int[] longer = IntStream.concat(IntStream.of(a).limit(12), IntStream.of(tokens(30, 8))).toArray();
        PrefixCache.Claim partly = cache.claim(longer, false, true);
        assertEquals(12, partly.reused());
        assertEquals(2, cache.hits());
        assertEquals(31, cache.reusedTokens());
    }

    @Test
    void theLeastRecentlyUsedEntryGivesItsSlotUpWhenAGenerationNeedsOne() {
        PrefixCache cache = new PrefixCache(pool, null, true);
        int[] a = tokens(0, 10);
        int[] b = tokens(10, 10);
        int[] c = tokens(20, 10);
        finish(cache, a);
        finish(cache, b);
        KvCache running = cache.claim(a, false, true).target(); // a was used after b
        assertEquals(2, cache.entries());
        KvCache other = cache.claim(c, false, true).target();   // no slot free: b, the least recent, goes
        assertEquals(1, cache.entries());
        assertEquals(0, pool.freeSlots());
        PrefixCache.Claim again = cache.claim(a, false, true);  // no slot free: a's entry itself is taken over
        assertEquals(9, again.reused());
        assertEquals(0, cache.entries());
        assertThrows(KvPool.KvPoolExhaustedException.class, () -> cache.claim(b, false, true),
                "generations hold every slot: nothing to evict");
        running.close();
        other.close();
        again.target().close();
    }

    @Test
    void aSequenceThatExtendsAnEntryReplacesIt() {
        PrefixCache cache = new PrefixCache(pool, null, true);
        int[] turn = tokens(0, 10);
        finish(cache, turn);
        int[] nextTurn = IntStream.concat(IntStream.of(turn), IntStream.of(tokens(15, 10))).toArray();
        PrefixCache.Claim claim = cache.claim(nextTurn, false, true);
        assertEquals(10, claim.reused());
        lm.prefill(claim.target(), java.util.Arrays.copyOfRange(nextTurn, 10, nextTurn.length));
        cache.release(nextTurn, claim.target(), null, true);
        assertEquals(1, cache.entries(), "the shorter turn says nothing the longer one does not");
        assertEquals(2, pool.freeSlots());
    }

    @Test
    void cachesOfAStepCutOffMidwayOrOfADisabledCacheAreFreed() {
        PrefixCache cache = new PrefixCache(pool, null, true);
        int[] a = tokens(0, 10);
        PrefixCache.Claim claim = cache.claim(a, false, true);
        lm.prefill(claim.target(), a);
        cache.release(a, claim.target(), null, false);
        assertEquals(0, cache.entries());
        assertEquals(3, pool.freeSlots());

        PrefixCache off = new PrefixCache(pool, null, false);
        finish(off, a);
        assertEquals(0, off.entries());
        PrefixCache.Claim fresh = off.claim(a, false, true);
        assertEquals(0, fresh.reused());
        assertNull(fresh.draft());
        fresh.target().close();
    }
}
