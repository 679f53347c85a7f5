package io.profilebridge.jms;

import io.profilebridge.Urls;
import java.time.Instant;
import java.util.Optional;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the bridge reaches its JMS broker, as its connections report it: a connection that could not be made, or
 * one whose broker went away (Artemis reconnects for ever, so neither the listener containers nor the pool ever see a
 * failed connection; only its failover events tell). Read by the readiness check; one log line per change.
 */
public final class BrokerReachability {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerReachability.class);

    /** Its name in the registry, where the JMS configuration binds it. */
    public static final String NAME = "jmsBrokerReachability";

    /** Why the broker cannot be reached, since when, and whether it refused the bridge's login. */
    public record Problem(String reason, Instant since, boolean loginRefused) {

        /** The problem in a few words, for the log and the readiness check. */
        public String shown(String address) {
            return loginRefused
                    ? "JMS broker " + address + " refuses the bridge's login since " + since + " (" + reason
                            + "): check bridge.jms.user and bridge.jms.password (BRIDGE_JMS_USER, BRIDGE_JMS_PASSWORD)"
                    : "JMS broker " + address + " unreachable since " + since + " (" + reason + ")";
        }
    }

    private final String address;
    private volatile Problem problem;
    private volatile Runnable onLoss = () -> {};

    /** @param brokerUrl the configured URL; only its hosts and ports are ever shown (a query may carry a password) */
    public BrokerReachability(String brokerUrl) {
        // no scheme: Camel's health JSON escapes a slash twice ("tcp:\\\/\\\/host")
        this.address = Urls.shown(brokerUrl).replaceAll("[a-zA-Z]+://", "");
    }

    public String address() {
        return address;
    }

    public void reached() {
        if (problem != null) {
            problem = null;
            LOG.info("The JMS broker at {} is reachable again", address);
        }
    }

    /** What to do, besides saying so, when the broker is lost from now on (the stop closes its connections). */
    public void onLoss(Runnable action) {
        this.onLoss = action;
    }

    public void lost(String reason) {
        lost(reason, false);
    }

    /**
     * The broker refused the bridge's user or password: said as such, naming the keys (matrix audit: a wrong password
     * was logged as "cannot be reached", naming neither).
     */
    public void loginRefused(String reason) {
        lost(reason, true);
    }

    private void lost(String reason, boolean loginRefused) {
        if (problem == null || problem.loginRefused() != loginRefused) {
            boolean first = problem == null;
            problem = new Problem(reason, Instant.now(), loginRefused);
            if (first) {
                onLoss.run();
            }
            LOG.warn(
                    "The {}: JMS requests and results wait, nothing is lost; the bridge keeps {}",
                    problem.shown(address),
                    loginRefused
                            ? "trying, every " + WatchedConnectionFactory.REFUSED_LOGIN_PAUSE.toSeconds() + " s"
                            : "reconnecting");
        }
    }

    public Optional<Problem> problem() {
        return Optional.ofNullable(problem);
    }

    /**
     * Why the context's JMS broker cannot be reached now, if it cannot; never anything with JMS off (a result bound
     * for a broker then fails its attempts as before).
     */
    public static Optional<Problem> problemIn(CamelContext context) {
        return in(context).flatMap(BrokerReachability::problem);
    }

    /** The broker's address as shown, for a context with JMS on; empty with it off. */
    public static String addressIn(CamelContext context) {
        return in(context).map(BrokerReachability::address).orElse("");
    }

    private static Optional<BrokerReachability> in(CamelContext context) {
        return Optional.ofNullable(context.getRegistry().lookupByNameAndType(NAME, BrokerReachability.class));
    }
}
