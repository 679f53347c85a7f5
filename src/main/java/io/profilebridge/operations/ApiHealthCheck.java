package io.profilebridge.operations;

import io.profilebridge.api.Api;
import io.profilebridge.api.ApiAnswer;
import io.profilebridge.api.ApiBudgets;
import io.profilebridge.api.ApiError;
import io.profilebridge.api.ApiHolds;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * DOWN while the API refuses our key, scope or credits, no key is configured, or Orbit says Deep Search is not
 * configured: requests are held (not failed) until this is fixed. An API without a key is UP while no request for it
 * waits (a bridge run for one API), and says so in its message: the contract has it reported on the health check
 * (contract audit: it was a plain UP until a request came).
 */
public class ApiHealthCheck extends ReadinessCheck {

    private final Api api;
    private final ApiHolds holds;
    private final ApiBudgets budgets;
    private final boolean keyed;

    /** @param keyed whether a key of the API is configured */
    public ApiHealthCheck(Api api, ApiHolds holds, ApiBudgets budgets, boolean keyed) {
        super("api-" + api.id());
        this.api = api;
        this.holds = holds;
        this.budgets = budgets;
        this.keyed = keyed;
    }

    /**
     * Shown on {@code /observe/health} only: a held API is no reason to take a replica out of readiness, which says
     * whether the bridge itself can work (observability audit: a bridge run for one API, or one out of Orbit credits,
     * never became ready, and a rollout waiting for it never completed).
     */
    @Override
    public boolean isReadiness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Optional<ApiError> hold = holds.hold(api);
        Optional<String> refusal = hold.isPresent() ? Optional.empty() : budgets.refusal(api, holds.probeIntervalMs());
        if (hold.isPresent()) {
            held(builder, hold.get());
        } else if (refusal.isPresent()) {
            // another instance of the key was refused, and paused this one's calls before any was refused here
            builder.down()
                    .message(api + " requests are held: the key was refused (" + refusal.get()
                            + ") by another instance's call; paused until that instance's next probe")
                    .detail("api", api.id());
        } else if (!keyed) {
            builder.up()
                    .message("no " + api + ".api-key is configured: a request for " + api
                            + " is held, not sent, until one is (none waits now)")
                    .detail("api", api.id())
                    .detail("code", ApiAnswer.API_KEY_MISSING);
        } else {
            builder.up().detail("api", api.id());
        }
    }

    /**
     * DOWN, naming the API's code, the answer's HTTP status (what an operator matches against the API's docs: a
     * code alone did not say whether the key was refused or lacked a scope) and its scalar details (a 402's
     * requiredCredits and remainingCredits).
     */
    private void held(HealthCheckResultBuilder builder, ApiError error) {
        builder.down()
                .message(api + " requests are held: " + error.code() + httpStatus(error) + ": " + error.message()
                        + error.scalarDetailsShown())
                .detail("api", api.id())
                .detail("code", error.code());
        error.scalarDetails().forEach(builder::detail);
    }

    private static String httpStatus(ApiError error) {
        return error.httpStatus() == null ? "" : " (HTTP " + error.httpStatus() + ")";
    }
}
