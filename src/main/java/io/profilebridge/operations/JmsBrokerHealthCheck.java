package io.profilebridge.operations;

import io.profilebridge.jms.BrokerReachability;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * DOWN while the JMS broker cannot be reached: JMS requests and results wait (transacted, nothing is lost). A
 * readiness check only: restarting the bridge would not bring the broker back.
 */
public class JmsBrokerHealthCheck extends ReadinessCheck {

    private final BrokerReachability reachability;

    public JmsBrokerHealthCheck(BrokerReachability reachability) {
        super("jms-broker");
        this.reachability = reachability;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("broker", reachability.address());
        reachability
                .problem()
                .ifPresentOrElse(
                        problem -> builder.down()
                                .message(problem.shown(reachability.address()) + ": JMS requests and results wait"),
                        builder::up);
    }
}
