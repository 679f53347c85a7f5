package io.profilebridge.api;

import java.util.Locale;
import java.util.Optional;

/** The two remote APIs the bridge drives; {@link #id()} is the name used in folders, properties and results. */
public enum Api {
    OPENPROSPECT("openprospect"),
    ORBIT("orbit");

    private final String id;

    Api(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static Optional<Api> of(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (Api api : values()) {
            if (api.id.equals(wanted)) {
                return Optional.of(api);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return id;
    }
}
