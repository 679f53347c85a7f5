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

    /**
     * A run is named by the key it was started with (Orbit's requestId; OpenProspect names it by an id only its
     * answer gives), so a start whose answer was lost can be looked for under its key.
     */
    public boolean namesRunsByKey() {
        return this == ORBIT;
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
