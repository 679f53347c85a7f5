package io.profilebridge.operations;

import java.util.Map;

import io.profilebridge.api.Api;
import io.profilebridge.api.ApiHolds;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/** DOWN while the API refuses our key, scope or credits: requests are held (not failed) until this is fixed. */
public class ApiHealthCheck extends AbstractHealthCheck {

    private final Api api;
    private final ApiHolds holds;

    public ApiHealthCheck(Api api, ApiHolds holds) {
        super("profile-bridge", "api-" + api.id());
        this.api = api;
        this.holds = holds;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        holds.hold(api).ifPresentOrElse(error -> builder.down()
                        .message(api + " requests are held: " + error.code() + ": " + error.message())
                        .detail("api", api.id()).detail("code", error.code()),
                () -> builder.up().detail("api", api.id()));
    }
}
