package io.profilebridge.api;

import io.profilebridge.BridgeSettings;
import io.profilebridge.Sha256;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * The configured bearer keys, held in one place so that nothing else ever has to touch them.
 * {@link #toString()} never shows a key.
 */
public final class ApiCredentials {

    private final Map<Api, String> keys = new EnumMap<>(Api.class);

    /** The keys {@code openprospect.api-key} and {@code orbit.api-key} name. */
    public static ApiCredentials configured(BridgeSettings settings) {
        return new ApiCredentials()
                .with(
                        Api.OPENPROSPECT,
                        settings.optional("openprospect.api-key").orElse(null))
                .with(Api.ORBIT, settings.optional("orbit.api-key").orElse(null));
    }

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

    /**
     * Which keys these are, without them: per API the first 16 hex digits of the key's SHA-256 ({@code none} when
     * unset). Instances on one store compare it (InstanceLiveness.instancesWithOtherKeys).
     */
    public String fingerprint() {
        StringJoiner fingerprint = new StringJoiner(";");
        for (Api api : Api.values()) {
            fingerprint.add(api.id() + "="
                    + key(api).map(key -> HexFormat.of().formatHex(Sha256.of(key), 0, 8))
                            .orElse("none"));
        }
        return fingerprint.toString();
    }

    @Override
    public String toString() {
        return "ApiCredentials" + keys.keySet();
    }
}
