package io.profilebridge.api;

/** The one error model: what the bridge does with an answer that is not a success. */
public enum FaultClass {
    /** 5xx, timeouts, connection errors: same key, same body, exponential backoff with jitter. */
    RETRY,
    /** 429: wait for Retry-After; never counted as a failed attempt. */
    RATE_LIMITED,
    /** 401/403/402: bad key, scope or credits. Nothing fails; the request waits and is tried again slowly. */
    HOLD,
    /** Validation errors and idempotency conflicts: a failed result naming the API's own code. */
    PERMANENT,
    /** Orbit refunded the key's charge: the key is spent; fails unless retries with a new key are enabled. */
    KEY_REFUNDED;

    public static FaultClass of(ApiAnswer answer) {
        if (answer.isTransportFailure()) {
            return RETRY;
        }
        int status = answer.httpStatus();
        if (answer.isKeyMissing()) {
            return HOLD;
        }
        if (status == 429) {
            return RATE_LIMITED;
        }
        if (status == 401 || status == 403 || status == 402) {
            return HOLD;
        }
        if (status == 409 && "developer_api_idempotency_key_refunded".equals(answer.error().code())) {
            return KEY_REFUNDED;
        }
        if (status >= 500 || status == 408) {
            return RETRY;
        }
        return PERMANENT;
    }
}
