package io.profilebridge.operations;

import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * A check of the {@code profile-bridge} group that only readiness asks: what it watches (an API, the broker, a folder)
 * is outside the process, so a restart would not mend it.
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
