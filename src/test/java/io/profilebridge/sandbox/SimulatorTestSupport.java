package io.profilebridge.sandbox;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A simulator on an ephemeral loopback port per test, and a plain HTTP client for it. */
abstract class SimulatorTestSupport {

    Simulator simulator;
    SimulatorClient client;

    /** The knobs this test class starts with. */
    abstract SimulatorSettings settings();

    @BeforeEach
    void startSimulator() {
        simulator = Simulator.start(settings());
        client = new SimulatorClient(simulator.baseUrl());
    }

    @AfterEach
    void stopSimulator() {
        simulator.close();
    }
}
