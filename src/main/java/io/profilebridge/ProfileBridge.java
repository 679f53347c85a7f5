package io.profilebridge;

import io.profilebridge.intake.CheckCommand;
import io.profilebridge.sandbox.SimulateCommand;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Entry point. {@code simulate} and {@code check} are commands of their own, {@code --help} lists them; anything
 * else runs the bridge as a Camel Main process. Its defaults, routes and samples are inside the jar; a
 * {@code config/} and {@code routes/} folder in the working directory override and add to them (see
 * {@link BridgeMain#propertyLocations}, {@link RouteFiles}). A start-up that fails ends the process with one line saying
 * why. This class and the launcher it calls first ({@link Relaunch}) stay clear of Camel's classes: a plain
 * {@code java -jar} loads them only in the child JVM, where they come from the class archive.
 */
public final class ProfileBridge {

    private ProfileBridge() {}

    public static void main(String[] args) throws Exception {
        // case conversions that name no locale use the default one: under a Turkish locale Camel's own lookup of a
        // property's environment variable made BRIDGE_INBOX "BRİDGE_İNBOX" and found none (anywhere audit). The bridge
        // speaks to machines, not to a reader of that language: the same text everywhere
        Locale.setDefault(Locale.ROOT);
        // the OpenTelemetry SDK logs through java.util.logging: its lines, too, are log4j's (masked, JSON when asked);
        // set before anything uses java.util.logging
        System.setProperty("java.util.logging.manager", "org.apache.logging.log4j.jul.LogManager");
        String command = args.length > 0 ? args[0] : "";
        switch (command) {
            case "simulate" -> SimulateCommand.run(Arrays.copyOfRange(args, 1, args.length));
            case "check" -> System.exit(check(Arrays.asList(args).subList(1, args.length)));
            case "help", "-h", "-help", "--help" -> System.out.print(Usage.TEXT);
            default -> {
                if (args.length > 0 && !command.startsWith("-")) {
                    System.err.println("unknown command \"" + command + "\"; see --help");
                    System.exit(2);
                }
                if (RunnerOptions.asksForHelp(args)) {
                    System.out.print(Usage.TEXT);
                    return;
                }
                String[] forCamel;
                try {
                    forCamel = RunnerOptions.forCamel(args);
                } catch (RunnerOptions.Mistake mistake) {
                    System.err.println(mistake.getMessage());
                    System.exit(2);
                    return;
                }
                // -profile as the property it sets, which the start's own looks read too: a misspelt name was
                // warned of given as camel.main.profile, not given as -pro (CLI re-check)
                RunnerOptions.profileOf(forCamel).ifPresent(p -> System.setProperty("camel.main.profile", p));
                Relaunch.runInChildIfPlain(forCamel);
                BridgeMain.run(forCamel);
            }
        }
    }

    /** The check with the configuration a start would read; a bad value in it is named, as at a start (exit 2). */
    private static int check(List<String> arguments) throws IOException {
        CheckCommand command;
        try {
            command = CheckCommand.standalone(BridgeMain.configuredSettings());
        } catch (StartupFailure e) {
            System.err.println("check: " + StartupFailure.namingTheVariable(e.getMessage(), System.getenv()));
            return 2;
        }
        return command.run(arguments);
    }
}
