package io.profilebridge.api;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether an API currently refuses us for our key, scope or credits (401/403/402, no key configured, or Orbit's
 * {@code developer_deep_search_not_configured}). Set and cleared by every answer of {@code direct:call-<api>}, read by
 * the health check.
 */
public final class ApiHolds {

    private final Map<Api, ApiError> holds = new ConcurrentHashMap<>();

    public void observe(Api api, ApiAnswer answer) {
        if (FaultClass.of(answer) == FaultClass.HOLD) {
            holds.put(api, answer.error());
        } else if (answer.isSuccess()) {
            holds.remove(api);
        }
    }

    public void hold(Api api, ApiError reason) {
        holds.put(api, reason);
    }

    public Optional<ApiError> hold(Api api) {
        return Optional.ofNullable(holds.get(api));
    }
}
