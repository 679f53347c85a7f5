package io.profilebridge.api;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The configured bearer keys, held in one place so that nothing else ever has to touch them.
 * {@link #toString()} never shows a key.
 */
public final class ApiCredentials {

    private final Map<Api, String> keys = new EnumMap<>(Api.class);

    public ApiCredentials with(Api api, String key) {
        if (key != null && !key.isBlank()) {
            keys.put(api, key.trim());
        }
        return this;
    }

    public Optional<String> key(Api api) {
        return Optional.ofNullable(keys.get(api));
    }

    public boolean has(Api api) {
        return keys.containsKey(api);
    }

    @Override
    public String toString() {
        return "ApiCredentials" + keys.keySet();
    }
}
