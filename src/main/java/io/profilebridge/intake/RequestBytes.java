package io.profilebridge.intake;

/**
 * A request's bytes as read from a file, a JMS message or a body an intake step set; {@code bytes} is null when the
 * request is larger than the limit (then not kept), {@code size} is known either way.
 */
record RequestBytes(byte[] bytes, long size) implements JmsRequestBody.Read {

    /** Bytes held in memory already: kept when within {@code maxBytes}, else only their size. */
    static RequestBytes within(byte[] bytes, long maxBytes) {
        return bytes.length > maxBytes ? tooLarge(bytes.length) : new RequestBytes(bytes, bytes.length);
    }

    static RequestBytes tooLarge(long size) {
        return new RequestBytes(null, size);
    }
}
