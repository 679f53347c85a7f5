package io.profilebridge.job;

import com.fasterxml.jackson.databind.JsonNode;
import io.profilebridge.Json;
import io.profilebridge.Sha256;
import io.profilebridge.api.Api;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Derives the one key of a logical request when no explicit key came with it. The key is a pure function of
 * the API, the source's identity and the canonical body, so a re-dropped file, a JMS redelivery or a restart
 * after a crash all arrive at the same key, and the remote side never starts a second run.
 */
public final class IdempotencyKeys {

    private IdempotencyKeys() {}

    /** The longest caller's key the job store keeps whole (V8__longer_keys.sql); derived keys are 36-character UUIDs. */
    public static final int MAX_LENGTH = 500;

    public static String derive(Api api, RequestSource source, JsonNode body) {
        return uuidOf(api.id() + "\n" + source.identity() + "\n" + Json.canonical(body));
    }

    /** The key of the n-th deliberate retry of a request whose earlier keys are spent (FAILED, refunded). */
    public static String retryKey(String requestKey, int generation) {
        return uuidOf(requestKey + "\nretry\n" + generation);
    }

    public static String bodyHash(JsonNode body) {
        return HexFormat.of().formatHex(Sha256.of(Json.canonical(body)));
    }

    /** A name-based UUID (version 8 layout) from SHA-256, so Orbit gets the UUID its docs ask for. */
    static String uuidOf(String text) {
        ByteBuffer hash = ByteBuffer.wrap(Sha256.of(text));
        long high = (hash.getLong() & ~0xF000L) | 0x8000L;
        long low = (hash.getLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }
}
