package io.profilebridge.job;

import io.profilebridge.api.Api;

/**
 * One row of the job store: one logical request, from receipt to its delivered result.
 * Mutable on purpose: a route step changes it, and {@link JobStore#save(Job, boolean)} writes it back under its version.
 */
public final class Job {
    private final String id;
    private final Api api;
    private final String requestKey;
    private JobState state;
    private String requestBody;
    private boolean requestBodyChanged;
    private final String bodyHash;
    private String remoteId;
    private int attempts;
    private int polls;
    private int keyGeneration;
    private String previousAttempts;
    private Long nextAttemptAt;
    private String lastStatus;
    private String lastError;
    private String result;
    private String outcome;
    private final RequestSource source;
    private final long createdAt;
    private long updatedAt;
    private Long finishedAt;
    private Long acceptedAt;
    private TraceContext traceContext;
    private int version;

    /** @param requestKey the request's one key: its identity in the store, and the key of its first attempt */
    public Job(
            String id,
            Api api,
            String requestKey,
            JobState state,
            String requestBody,
            String bodyHash,
            RequestSource source,
            long createdAt) {
        this.id = id;
        this.api = api;
        this.requestKey = requestKey;
        this.state = state;
        this.requestBody = requestBody;
        this.bodyHash = bodyHash;
        this.source = source;
        this.createdAt = createdAt;
        this.updatedAt = createdAt;
    }

    /**
     * A request rejected at intake, recorded as a final FAILED job so that operators see it like any other failure:
     * it has no key (it was never accepted under one), {@code api} is null when it named no known API, and its
     * {@code result} is the failed result it was given.
     */
    public static Job rejectedAtIntake(
            String id, Api api, String requestBody, RequestSource source, String error, String result, long now) {
        Job job = new Job(id, api, null, JobState.FAILED, requestBody, null, source, now);
        job.lastError(error);
        job.result(result);
        job.outcome(ResultDocument.FAILED);
        job.finishedAt(now);
        return job;
    }

    /** The job id, distinct from the idempotency key: the store's and the operator's name for this row. */
    public String id() {
        return id;
    }
    /** The API, or null for a request rejected at intake that named none we know. */
    public Api api() {
        return api;
    }
    /** The key the request was recorded under; it never changes, so a redelivery always finds this job. */
    public String requestKey() {
        return requestKey;
    }
    /** True for a request rejected at intake: it never got a key and is never worked on. */
    public boolean rejectedAtIntake() {
        return requestKey == null;
    }
    /** The key of the current attempt: the request key, or after a remote failure one derived from it. */
    public String idempotencyKey() {
        return keyGeneration == 0 || requestKey == null
                ? requestKey
                : IdempotencyKeys.retryKey(requestKey, keyGeneration);
    }

    public JobState state() {
        return state;
    }

    public String requestBody() {
        return requestBody;
    }

    public String bodyHash() {
        return bodyHash;
    }

    public String remoteId() {
        return remoteId;
    }

    /**
     * True for a job that failed before the API accepted any run of it (its start refused, 400/409/422, or never
     * answered), under its first key: no run of the API stands for this request. Its failed result may still be on
     * its way (takeover audit: a corrected body sent the moment the refusal arrived found it delivering). Another body
     * may take its key over, and the API, which keeps the key, judges it (names audit: a corrected body under the
     * same requestId was refused locally, though the API took it).
     */
    public boolean failedWithoutARun() {
        return (state == JobState.FAILED || state == JobState.DELIVERING)
                && ResultDocument.FAILED.equals(outcome)
                && noRunUnderItsFirstKey();
    }

    /** True while the job may still come to {@link #failedWithoutARun}: its first start not answered with a run yet. */
    public boolean mayYetFailWithoutARun() {
        return state == JobState.RECEIVED && noRunUnderItsFirstKey();
    }

    /** Under its first key, with no run the API accepted or named, now or in an earlier attempt. */
    private boolean noRunUnderItsFirstKey() {
        return requestKey != null
                && remoteId == null
                && acceptedAt == null
                && keyGeneration == 0
                && previousAttempts == null;
    }

    /**
     * True for a job whose start went unanswered at its last attempt and that now reads the status under the id it
     * was sent with ({@link JobLifecycle#startUnanswered}): no answer of the API has confirmed a run yet.
     */
    public boolean startUnconfirmed() {
        return state == JobState.SUBMITTED && remoteId != null && acceptedAt == null && lastStatus == null;
    }

    public int attempts() {
        return attempts;
    }

    public int polls() {
        return polls;
    }
    /** How many times the request was started over with a new key after a remote failure. */
    public int keyGeneration() {
        return keyGeneration;
    }
    /** JSON array of the earlier attempts under other keys (key, remote id, error); null when there was none. */
    public String previousAttempts() {
        return previousAttempts;
    }

    public Long nextAttemptAt() {
        return nextAttemptAt;
    }

    public String lastStatus() {
        return lastStatus;
    }

    public String lastError() {
        return lastError;
    }

    public String result() {
        return result;
    }

    public String outcome() {
        return outcome;
    }

    public RequestSource source() {
        return source;
    }

    public long createdAt() {
        return createdAt;
    }

    public long updatedAt() {
        return updatedAt;
    }

    public Long finishedAt() {
        return finishedAt;
    }
    /** When the API accepted the current run, for learning how long runs take. */
    public Long acceptedAt() {
        return acceptedAt;
    }
    /** The trace every step of this request continues; null for a job recorded while tracing was off. */
    public TraceContext traceContext() {
        return traceContext;
    }
    /** The W3C trace id of {@link #traceContext()}, or null. */
    public String traceId() {
        return traceContext == null ? null : traceContext.traceId();
    }

    public int version() {
        return version;
    }

    public void state(JobState value) {
        this.state = value;
    }

    /** A new body (a retry under a derived key): the store writes it with the job's next save. */
    public void requestBody(String value) {
        this.requestBody = value;
        this.requestBodyChanged = true;
    }

    /** True when the body changed since the job was read or last saved. */
    boolean requestBodyChanged() {
        return requestBodyChanged;
    }

    void requestBodySaved() {
        this.requestBodyChanged = false;
    }

    public void remoteId(String value) {
        this.remoteId = value;
    }

    public void attempts(int value) {
        this.attempts = value;
    }

    public void polls(int value) {
        this.polls = value;
    }

    public void keyGeneration(int value) {
        this.keyGeneration = value;
    }

    public void previousAttempts(String value) {
        this.previousAttempts = value;
    }

    public void nextAttemptAt(Long value) {
        this.nextAttemptAt = value;
    }

    public void lastStatus(String value) {
        this.lastStatus = value;
    }

    public void lastError(String value) {
        this.lastError = value;
    }

    public void result(String value) {
        this.result = value;
    }

    public void outcome(String value) {
        this.outcome = value;
    }

    public void updatedAt(long value) {
        this.updatedAt = value;
    }

    public void finishedAt(Long value) {
        this.finishedAt = value;
    }

    public void acceptedAt(Long value) {
        this.acceptedAt = value;
    }

    public void traceContext(TraceContext value) {
        this.traceContext = value;
    }

    public void version(int value) {
        this.version = value;
    }

    @Override
    public String toString() {
        return "Job[" + id + " " + api + " key " + IdempotencyKeys.shown(idempotencyKey()) + " " + state + " from "
                + source.displayName() + "]";
    }
}
