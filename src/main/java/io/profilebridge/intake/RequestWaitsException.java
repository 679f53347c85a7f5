package io.profilebridge.intake;

/**
 * An inbox file that repeats a job still running from another file: it stays in the inbox until that job is done
 * ({@link WaitingFiles}), as does one that ends before its JSON does while it may still be written; routes/inbox-errors.camel.yaml leaves it there without a retry or a log line of Camel's.
 */
public class RequestWaitsException extends Exception {

    public RequestWaitsException(String message) {
        super(message, null, false, false);
    }

    /** With its cause, and a stack trace: for {@link RequestReadLaterException}. */
    protected RequestWaitsException(String message, Throwable cause) {
        super(message, cause);
    }
}
