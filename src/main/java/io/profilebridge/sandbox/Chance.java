package io.profilebridge.sandbox;

import java.util.Random;

/** All of the simulators' randomness from one seeded source, so a test run can be repeated exactly. */
final class Chance {

    private Random random;

    Chance(long seed) {
        this.random = new Random(seed);
    }

    synchronized boolean below(double share) {
        return share > 0 && random.nextDouble() < share;
    }

    synchronized int between(int low, int high) {
        return low + random.nextInt(high - low + 1);
    }

    /** How long a new run takes: the configured duration, or a random one up to the configured maximum. */
    synchronized long runDuration(SimulatorSettings settings) {
        long min = settings.jobDurationMs();
        long max = settings.jobDurationMaxMs();
        return max <= min ? min : min + (long) (random.nextDouble() * (max - min));
    }

    synchronized void reseed(long seed) {
        this.random = new Random(seed);
    }
}
