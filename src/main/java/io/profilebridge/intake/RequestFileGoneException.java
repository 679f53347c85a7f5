package io.profilebridge.intake;

/**
 * An inbox file that was gone when its turn came: another instance sharing the inbox took it, or someone removed
 * it. There is nothing to answer (routes/inbox-errors.camel.yaml).
 */
public class RequestFileGoneException extends Exception {

    public RequestFileGoneException(String message, Throwable cause) {
        super(message, cause);
    }
}
