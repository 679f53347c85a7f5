package io.profilebridge.intake;

/**
 * An inbox file the system cannot read now, for want of a resource of its own (file descriptors, memory): it stays in
 * the inbox and is read again at a later poll (routes/inbox-errors.camel.yaml). Refused as unreadable, a valid request
 * got a failed result, and a second, successful one when its file was taken again (constrained-host audit, {@code
 * ulimit -n 72}). A file that waits, for route files written before it had a handler of its own: their inbox-errors
 * leaves it in the inbox quietly, as a waiting file (review: Camel's default handler logged a stack trace per file and
 * poll).
 */
public class RequestReadLaterException extends RequestWaitsException {

    public RequestReadLaterException(String message, Throwable cause) {
        super(message, cause);
    }
}
