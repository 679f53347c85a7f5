package io.profilebridge.intake;

/**
 * An inbox file the system cannot read now, for want of a resource of its own (file descriptors, memory): it stays in
 * the inbox and is read again at a later poll (routes/inbox-errors.camel.yaml). Refused as unreadable, a valid request
 * got a failed result, and a second, successful one when its file was taken again (constrained-host audit, {@code
 * ulimit -n 72}).
 */
public class RequestReadLaterException extends Exception {

    public RequestReadLaterException(String message, Throwable cause) {
        super(message, cause);
    }
}
