package io.profilebridge;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.FailedToStartRouteException;
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

    /**
     * The line, with the environment variable of the first property it names when that variable is set: an operator
     * who set {@code BRIDGE_POLL_TICK_MS=5} read "property bridge.poll.tick-ms must be at least 10" (CLI audit).
     */
    public static String namingTheVariable(String line, Map<String, String> environment) {
        Matcher named = NAMED_PROPERTY.matcher(line);
        if (!named.lookingAt()) {
            return line;
        }
        String variable = UnknownSettings.variable(named.group(1));
        String value = environment.get(variable);
        // beside a -D of the key, the variable is named when the line quotes its value: then it came from there
        boolean fromVariable = value != null
                && (System.getProperty(named.group(1)) == null || line.contains("\"" + value.strip() + "\""));
        return fromVariable && !line.contains(variable)
                ? line.substring(0, named.end(1)) + " (" + variable + ")" + line.substring(named.end(1))
                : line;
    }

    /** How Camel names the route file it failed to read ("Error pre-parsing resource: file:routes/x.camel.yaml"). */
    private static final Pattern NAMED_RESOURCE = Pattern.compile("resource: (\\S+)");

    private static final Pattern NAMED_PROPERTY = Pattern.compile("property ([a-z][A-Za-z0-9.-]*[A-Za-z0-9])\\b");

    private static String line(Throwable error) {
        List<Throwable> chain = ErrorText.causes(error);
        for (Throwable t : chain) {
            if (t instanceof StartupFailure failure) {
                return failure.getMessage();
            }
        }
        Throwable root = chain.get(chain.size() - 1);
        String message = root.getMessage();
        return routeOf(chain)
                + resourceOf(chain, message)
                + root.getClass().getSimpleName()
                + (message != null
                        ? ": " + message
                        : root.getStackTrace().length > 0
                                ? " at " + root.getStackTrace()[0] + " (BRIDGE_LOG_LEVEL=DEBUG logs its stack trace)"
                                : "");
    }

    /**
     * The route file Camel failed to read, when the deepest cause does not name it (winedit audit: a route file saved as
     * UTF-16 was told as "ReaderException: special characters are not allowed" alone).
     */
    private static String resourceOf(List<Throwable> chain, String rootMessage) {
        for (Throwable t : chain) {
            Matcher named = t.getMessage() == null ? null : NAMED_RESOURCE.matcher(t.getMessage());
            if (named != null && named.find()) {
                String resource = named.group(1);
                return rootMessage != null && rootMessage.contains(resource) ? "" : resource + ": ";
            }
        }
        return "";
    }

    /**
     * The route Camel failed to make or start, which the deepest cause does not name (integrator audit: a misspelt
     * endpoint was told as "No endpoint could be found for: direkt://..." alone, an unsupported YAML step as a bare
     * "UnsupportedOperationException").
     */
    private static String routeOf(List<Throwable> chain) {
        for (Throwable t : chain) {
            if (t instanceof FailedToCreateRouteException failed && failed.getRouteId() != null) {
                return "route " + failed.getRouteId() + ": ";
            }
            if (t instanceof FailedToStartRouteException failed && failed.getRouteId() != null) {
                return "route " + failed.getRouteId() + ": ";
            }
        }
        return "";
    }
}
