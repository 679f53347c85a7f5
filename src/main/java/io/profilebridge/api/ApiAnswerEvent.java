package io.profilebridge.api;

import io.profilebridge.BridgeEvent;

/** An API answered a call (or the call failed on the way): published by {@code direct:call-<api>}. */
public record ApiAnswerEvent(Api api, ApiAnswer answer) implements BridgeEvent {}
