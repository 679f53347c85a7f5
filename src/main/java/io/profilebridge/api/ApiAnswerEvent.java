package io.profilebridge.api;

import io.profilebridge.BridgeEvent;

/**
 * An API answered a call (or the call failed on the way): published by {@code direct:call-<api>}. {@code caller}: the
 * job the call was made for, null when unknown.
 */
public record ApiAnswerEvent(Api api, ApiAnswer answer, String caller) implements BridgeEvent {

    public ApiAnswerEvent(Api api, ApiAnswer answer) {
        this(api, answer, null);
    }
}
