package io.profilebridge.sandbox;

/**
 * Request values that make the simulators give the rarer answers the API docs describe, so tests and users can see
 * each one on demand (the README lists them). Orbit's are identity signals (an {@code email}, a {@code profileId}),
 * OpenProspect's a {@code profile_name}; any other value behaves normally.
 */
public final class SimulatorTriggers {

    /**
     * Orbit: the run ends failed but saved its profile ({@code result.id}, sections not ready before the timeout); a
     * candidate_discovery run ends failed having saved one candidate.
     */
    public static final String ORBIT_FAILED_WITH_PROFILE = "failed-with-profile@orbit.sim";
    /** Orbit: a candidate_discovery run completes having found nobody (no candidate_profile_ids). */
    public static final String ORBIT_NO_CANDIDATES = "no-candidates@orbit.sim";
    /** Orbit: the run ends failed with no result. */
    public static final String ORBIT_FAILED = "failed@orbit.sim";
    /** Orbit: the run completes, but no generated section was materialized. */
    public static final String ORBIT_NO_SECTIONS = "no-sections@orbit.sim";
    /** Orbit: the start answers 503 developer_deep_search_unavailable_for_request; nothing is charged. */
    public static final String ORBIT_UNAVAILABLE_FOR_REQUEST = "unavailable-for-request@orbit.sim";
    /** Orbit: the first start of a requestId answers 503 developer_deep_search_unavailable (nothing reserved); then it runs. */
    public static final String ORBIT_UNAVAILABLE_ONCE = "unavailable-once@orbit.sim";
    /**
     * Orbit: the first start of this body answers 502 developer_deep_search_request_failed and its charge is refunded,
     * so the same requestId then meets 409 refunded ("Charges are also refunded automatically when the run is
     * rejected or cannot be accepted"); a new requestId runs.
     */
    public static final String ORBIT_REQUEST_FAILED_ONCE = "request-failed-once@orbit.sim";
    /** Orbit: as {@link #ORBIT_REQUEST_FAILED_ONCE}, for the first two starts of this body (two requestIds). */
    public static final String ORBIT_REQUEST_FAILED_TWICE = "request-failed-twice@orbit.sim";
    /** Orbit: every start answers 409 developer_api_idempotency_key_refunded, whatever the requestId. */
    public static final String ORBIT_REFUNDED = "refunded@orbit.sim";
    /** Orbit: the run's profile id holds a space, slashes, a dot-segment, # and ?, so reading it needs encoding. */
    public static final String ORBIT_ODD_PROFILE_ID = "odd-profile-id@orbit.sim";
    /**
     * Orbit profileId: fully generated, so a request naming it completes at once (200, charge refunded), but
     * the first answer per requestId is lost (the connection closes); the same requestId then meets 409 refunded.
     */
    public static final String ORBIT_ANSWER_LOST_PROFILE_ID = "prof_demo_answer_lost";
    /**
     * Orbit: the answer of every start of this email is lost (the connection closes after the work is done): the
     * first starts the run and charges it, the repeats find it already running, and none is heard of; status reads
     * answer as usual.
     */
    public static final String ORBIT_START_ANSWERS_LOST = "start-answers-lost@orbit.sim";
    /** Orbit: every start of this email is lost on its way in (the connection closes before any work): no run. */
    public static final String ORBIT_START_NOT_RECEIVED = "start-not-received@orbit.sim";
    /** Invented: the failure code of {@link #ORBIT_FAILED_WITH_PROFILE} (the docs name none for the timeout). */
    public static final String ORBIT_READINESS_TIMEOUT = "developer_deep_search_readiness_timeout";

    /** OpenProspect profile_name: every creation of this body ends FAILED. */
    public static final String OPENPROSPECT_FAILED = "sim-failed";
    /** OpenProspect profile_name: the first creation of this exact body ends FAILED; a new key for it SUCCEEDS. */
    public static final String OPENPROSPECT_FAILED_ONCE = "sim-failed-once";
    /** OpenProspect profile_name: the profile_creation_id holds a dot-segment, slashes, a space, # and ?. */
    public static final String OPENPROSPECT_ODD_ID = "sim-odd-id";

    private SimulatorTriggers() {}
}
