package io.profilebridge.sandbox;

import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar profile-bridge.jar simulate --port 8099 [--job-duration-ms N --failed-share X ...]}: both APIs
 * on one loopback port until the process is stopped. Every knob of {@link SimulatorSettings} is an option.
 */
public final class SimulateCommand {

    private SimulateCommand() {}

    public static void run(String[] args) throws InterruptedException {
        SimulatorSettings settings = new SimulatorSettings().port(8099);
        if (args.length > 0 && List.of("--help", "-h", "help").contains(args[0])) {
            System.out.println(usage());
            System.out.println("Each knob is described in the README, \"The sandbox: simulated APIs\".");
            return;
        }
        try {
            for (int i = 0; i < args.length; i++) {
                if (!args[i].startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("expected --KNOB VALUE, got \"" + args[i] + "\"");
                }
                settings.set(args[i].substring(2), args[++i]);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("simulate: " + e.getMessage());
            System.err.println(usage());
            System.exit(2);
        }
        Simulator simulator;
        try {
            simulator = Simulator.start(settings);
        } catch (RuntimeException e) {
            // a busy or impossible port: one line, as the bridge's own start says it
            System.err.println("simulate: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            simulator.close();
                            stopped.countDown();
                        },
                        "simulator-shutdown"));
        System.out.println(
                "Simulating OpenProspect (/api/v1/search-profile-creations) and Orbit (/v2/developer/deep-search, "
                        + "/v2/developer/profiles) on " + simulator.baseUrl() + "; ledger at " + simulator.baseUrl()
                        + "/_sandbox/ledger. Stop with Ctrl-C.");
        stopped.await();
    }

    private static String usage() {
        return "usage: simulate [--port 8099] "
                + String.join(
                        " ",
                        List.of(SimulatorSettings.KNOBS).stream()
                                .skip(1)
                                .map(k -> "[--" + k + " V]")
                                .toList());
    }
}
