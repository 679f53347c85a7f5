package io.profilebridge.job;

import com.fasterxml.jackson.databind.JsonNode;
import io.profilebridge.ErrorText;
import io.profilebridge.Json;
import io.profilebridge.Sha256;
import io.profilebridge.api.Api;
import java.nio.ByteBuffer;
import java.util.UUID;

/**
 * Derives the one key of a logical request when no explicit key came with it. The key is a pure function of
 * the API, the source's identity and the canonical body, so a re-dropped file, a JMS redelivery or a restart
 * after a crash all arrive at the same key, and the remote side never starts a second run.
 */
public final class IdempotencyKeys {

    private IdempotencyKeys() {}

    /** The longest key a log line shows whole: a caller's key may be of any length (V11__unbounded_keys.sql). */
    static final int SHOWN_LENGTH = 200;

    /** A key as log lines and error texts show it: whole up to {@link #SHOWN_LENGTH} characters, else cut, with its length. */
    public static String shown(String key) {
        if (key == null || key.length() <= SHOWN_LENGTH) {
            return key;
        }
        return ErrorText.shortened(key, SHOWN_LENGTH) + " (" + key.length() + " characters)";
    }

    public static String derive(Api api, RequestSource source, JsonNode body) {
        return uuidOf(api.id() + "\n" + source.identity() + "\n" + Json.canonical(body));
    }

    /** The key of the n-th deliberate retry of a request whose earlier keys are spent (FAILED, refunded). */
    public static String retryKey(String requestKey, int generation) {
        return uuidOf(requestKey + "\nretry\n" + generation);
    }

    public static String bodyHash(JsonNode body) {
        return Sha256.hex(Json.canonical(body));
    }

    /** A name-based UUID (version 8 layout) from SHA-256, so Orbit gets the UUID its docs ask for. */
    static String uuidOf(String text) {
        ByteBuffer hash = ByteBuffer.wrap(Sha256.of(text));
        long high = (hash.getLong() & ~0xF000L) | 0x8000L;
        long low = (hash.getLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }
}
