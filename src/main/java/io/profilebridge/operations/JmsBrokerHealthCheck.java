package io.profilebridge.operations;

import io.profilebridge.jms.BrokerReachability;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * DOWN while the JMS broker cannot be reached, or the embedded one takes no message for want of disk: JMS requests
 * and results wait (transacted, nothing is lost). A readiness check only: restarting the bridge would not bring the
 * broker back, nor free its disk.
 */
public class JmsBrokerHealthCheck extends ReadinessCheck {

    private final BrokerReachability reachability;
    private final Supplier<Optional<String>> diskFull;

    /** @param diskFull why the embedded broker takes no message (its disk), if so; empty for an external broker */
    public JmsBrokerHealthCheck(BrokerReachability reachability, Supplier<Optional<String>> diskFull) {
        super("jms-broker");
        this.reachability = reachability;
        this.diskFull = diskFull;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("broker", reachability.address());
        reachability
                .problem()
                .ifPresentOrElse(
                        problem -> builder.down()
                                .message(problem.shown(reachability.address()) + ": JMS requests and results wait"),
                        () -> diskFull.get()
                                .ifPresentOrElse(
                                        full -> builder.down().message(full + ": JMS requests and results wait"),
                                        builder::up));
    }
}
