package io.profilebridge;

import java.util.List;

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
