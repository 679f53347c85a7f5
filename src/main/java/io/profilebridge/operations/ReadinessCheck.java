package io.profilebridge.operations;

import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * A check of the {@code profile-bridge} group that liveness never asks: what it watches (an API, the broker, a folder)
 * is outside the process, so a restart would not mend it. Readiness asks it, unless the check says otherwise (an API's
 * hold is reported on {@code /observe/health} alone).
 */
abstract class ReadinessCheck extends AbstractHealthCheck {

    protected ReadinessCheck(String id) {
        super("profile-bridge", id);
    }

    @Override
    public final boolean isLiveness() {
        return false;
    }
}
