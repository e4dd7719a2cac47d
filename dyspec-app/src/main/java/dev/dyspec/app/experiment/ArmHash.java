package dev.dyspec.app.experiment;

import java.nio.charset.StandardCharsets;

/**
 * Deterministic assignment units: a salted 64-bit hash of the key with a full-avalanche finaliser
 * (Murmur3's fmix64), so keys that differ only in their last characters — sequential ids — land
 * anywhere in [0, 1), not next to each other.
 */
public final class ArmHash {

    private ArmHash() {
    }

    /** A uniform number in [0, 1) for this key under this salt; the same inputs give the same number. */
    public static double unit(String salt, String key) {
        return (hash64(salt, key) >>> 11) * 0x1.0p-53;
    }

    static long hash64(String salt, String key) {
        long h = 0x9E3779B97F4A7C15L;
        h = absorb(h, salt.getBytes(StandardCharsets.UTF_8));
        h = fmix64(h ^ 0x5bd1e995L);
        h = absorb(h, key.getBytes(StandardCharsets.UTF_8));
        return fmix64(h ^ key.length());
    }

    /** FNV-1a steps: a bijection per byte, so distinct short keys keep distinct states. */
    private static long absorb(long h, byte[] bytes) {
        for (byte b : bytes) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** Murmur3's 64-bit finaliser: every input bit flips each output bit with probability ~1/2. */
    static long fmix64(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
