package io.profilebridge.api;

import java.util.List;
import org.apache.camel.Message;

/**
 * Masks the configured API keys in what an API answers. An API may echo the key it was sent ("Invalid API key:
 * lnc_live_..."), and its answers reach results, the job store, {@code /jobs}, the health check and the logs; the
 * contract says a key appears in none of them.
 */
public final class KeyMask {

    /** What stands where a key was. */
    public static final String MASK = "[API key]";

    private final List<String> keys;

    public KeyMask(ApiCredentials credentials) {
        this.keys = List.of(Api.values()).stream()
                .flatMap(api -> credentials.key(api).stream())
                .toList();
    }

    /** The text with every configured key replaced by {@link #MASK}; the same instance when it holds none. */
    public String apply(String text) {
        String masked = text;
        for (String key : keys) {
            if (masked != null && masked.contains(key)) {
                masked = masked.replace(key, MASK);
            }
        }
        return masked;
    }

    /** Reads the answer's body as text (every reader of an answer reads it so, {@link ApiAnswer}) and masks it. */
    public void applyToBody(Message answer) {
        if (answer.getBody() != null) {
            answer.setBody(apply(answer.getBody(String.class)));
        }
    }
}
