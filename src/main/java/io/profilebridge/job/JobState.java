package io.profilebridge.job;

import java.util.EnumSet;
import java.util.Set;

/** Where a logical request stands. Each pending state names the next step the poll route takes for it. */
public enum JobState {
    /** Recorded durably; the start request has not been answered yet (it may have been sent). */
    RECEIVED,
    /** The API accepted the run; the first status poll is due. */
    SUBMITTED,
    /** Polled at least once and still running. */
    POLLING,
    /** Orbit finished the run; the generated profiles are being read. */
    FETCHING,
    /** The result document is decided and stored; it is being written to its destination. */
    DELIVERING,
    /** Final: a succeeded result was delivered. */
    DELIVERED,
    /** Final: a failed result was delivered, or a result could not be delivered within the attempts allowed. */
    FAILED;

    public static final Set<JobState> PENDING = EnumSet.of(RECEIVED, SUBMITTED, POLLING, FETCHING, DELIVERING);

    public boolean isFinal() {
        return this == DELIVERED || this == FAILED;
    }
}
