package io.profilebridge.job;

/** The job store could not be read or written; the step fails and is tried again, nothing is lost. */
public class JobStoreException extends RuntimeException {
    public JobStoreException(String message) {
        super(message);
    }

    public JobStoreException(String message, Throwable cause) {
        super(message + ": " + cause.getMessage(), cause);
    }
}
