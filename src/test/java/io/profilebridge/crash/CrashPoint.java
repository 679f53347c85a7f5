package io.profilebridge.crash;

/**
 * The named points where {@link CrashPointsIT} halts the bridge. Each is reached at a boundary the bridge's own
 * structure keeps: an endpoint of the routes, the HTTP client's execution chain, the inbox route's end.
 */
public enum CrashPoint {
    /** A request (inbox file or JMS message) is about to be read and recorded: nothing of it is committed yet. */
    BEFORE_JOB_COMMIT,
    /** Its job is committed; the inbox file has not moved yet, the JMS message is not acknowledged yet. */
    AFTER_JOB_COMMIT,
    /** The inbox file has moved to {@code .done/}: nothing but the job row knows of the request any more. */
    AFTER_FILE_MOVE,
    /** The API answered a start (POST): the remote run exists; the bridge has not read the answer. */
    AFTER_POST,
    /** The bridge has read the start's answer; the job row does not record it yet. */
    AFTER_ANSWER,
    /** A job's result is decided and about to go to the outbox or the queue. */
    BEFORE_DELIVERY,
    /** The result is in the outbox or on the queue; the job is not marked done yet. */
    AFTER_DELIVERY;

    /** The exit status of a JVM halted at a crash point, so that a JVM dying on its own is never taken for one. */
    public static final int HALT_STATUS = 86;
    /** The line the bridge prints just before it halts. */
    public static final String HALTING = "crash point reached, halting at ";
}
