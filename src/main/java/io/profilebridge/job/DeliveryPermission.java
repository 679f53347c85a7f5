package io.profilebridge.job;

import java.util.function.BooleanSupplier;
import org.apache.camel.Exchange;

/**
 * The last question before a job's result is written or sent: is the job still this instance's? Asked by the step
 * right before the write (ResultFiles.claimName, OversizedResults.fit), as {@code SendPermission} asks before a
 * call: an instance frozen between its step's check and the write (a pause, a stopped VM) woke after another had taken
 * the job over and delivered it, and wrote the result a second time (zombie audit: 4 of 5 freezes gave a request two
 * results; re-run: 1 of 6, frozen within the write itself, past the question). A result withdrawn so is not
 * written; the job is left as it is, to its owner.
 */
public final class DeliveryPermission {

    /** Exchange property: a {@link BooleanSupplier} saying whether the job is still this instance's. */
    public static final String MAY_DELIVER = "bridgeMayDeliver";

    /** Exchange property: set when the result was withdrawn, not written. */
    private static final String WITHDRAWN = "bridgeDeliveryWithdrawn";

    private DeliveryPermission() {}

    /**
     * Whether the result may go; when not, routing stops here (nothing written or sent) and the exchange says so. A
     * result decided at intake has no job to lose and always may.
     */
    public static boolean granted(Exchange exchange) {
        BooleanSupplier mayDeliver = exchange.getProperty(MAY_DELIVER, BooleanSupplier.class);
        if (mayDeliver == null || mayDeliver.getAsBoolean()) {
            return true;
        }
        exchange.setProperty(WITHDRAWN, true);
        exchange.setRouteStop(true);
        return false;
    }

    public static boolean withdrawn(Exchange exchange) {
        return exchange.getProperty(WITHDRAWN, false, Boolean.class);
    }
}
