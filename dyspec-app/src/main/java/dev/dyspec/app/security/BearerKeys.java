package dev.dyspec.app.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/** A set of secret keys and the constant-time check of an {@code Authorization: Bearer <key>} header. */
public final class BearerKeys {

    private final List<byte[]> keys;

    public BearerKeys(List<String> keys) {
        this.keys = keys.stream().filter(k -> k != null && !k.isBlank())
                .map(k -> k.getBytes(StandardCharsets.UTF_8)).toList();
    }

    public boolean isEmpty() {
        return keys.isEmpty();
    }

    /** Whether the header carries one of the keys. */
    public boolean accepts(String authorizationHeader) {
        if (authorizationHeader == null || !authorizationHeader.startsWith("Bearer ")) {
            return false;
        }
        byte[] given = authorizationHeader.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        boolean ok = false;
        for (byte[] k : keys) {
            ok |= MessageDigest.isEqual(k, given); // constant time per key
        }
        return ok;
    }
}
