package io.profilebridge;

import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.VetoCamelContextStartException;

/**
 * A start-up error the operator can fix, with the one line that says what is wrong and which key changes it
 * (a port in use, a data folder another process holds). The bridge stops with that line instead of a stack trace.
 */
public class StartupFailure extends RuntimeException {

    public StartupFailure(String message) {
        super(message);
    }

    public StartupFailure(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * This failure, found while the Camel context starts (a {@link org.apache.camel.StartupListener}), as the veto that
     * stops the start with this line alone: any other exception there has Camel log an ERROR with its stack trace
     * before the bridge's own line (integrator audit). After the start (a route reload) it is thrown as it is.
     */
    public Exception during(CamelContext context, boolean alreadyStarted) {
        return alreadyStarted ? this : new VetoCamelContextStartException(getMessage(), this, context, true);
    }

    /**
     * The line to print for any start-up error: a StartupFailure's own message, else the deepest cause; a user or
     * password before a URL's host is masked, as a refused value may be quoted as it was given (secrets audit: a
     * password with a space, which the logs' mask stops at, came out whole).
     */
    public static String describe(Throwable error) {
        return Urls.withoutUserInfo(line(error));
    }

    private static String line(Throwable error) {
        List<Throwable> chain = ErrorText.causes(error);
        for (Throwable t : chain) {
            if (t instanceof StartupFailure failure) {
                return failure.getMessage();
            }
        }
        Throwable root = chain.get(chain.size() - 1);
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
