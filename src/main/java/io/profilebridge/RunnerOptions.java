package io.profilebridge;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The options of Camel's own runner (MainCommandLineSupport) that the bridge passes on, checked before Camel sees
 * them. Camel's parser printed its help for a stray word and exited 0 (a script would not notice the mistake), took
 * {@code -pro} for {@code -propertiesLocation} (it matches a prefix of a long name before the next option's short one),
 * and failed on {@code -d abc} with an exception naming no option (CLI audit). Each option is handed on in its long
 * form, which Camel matches exactly.
 */
final class RunnerOptions {

    private enum Takes {
        WHOLE_NUMBER,
        TEXT
    }

    private record Option(String shortName, String longName, Takes takes) {

        boolean isNamedBy(String name) {
            return name.equals(shortName) || name.equals(longName);
        }

        /** The largest number it takes: an exit code is a byte (300 exited 44), a duration a year of seconds. */
        long max() {
            return longName.equals("exitcode") ? 255 : 31_536_000;
        }
    }

    private static final List<Option> OPTIONS = List.of(
            new Option("d", "duration", Takes.WHOLE_NUMBER),
            new Option("e", "exitcode", Takes.WHOLE_NUMBER),
            new Option("pl", "propertiesLocation", Takes.TEXT),
            new Option("pro", "profile", Takes.TEXT),
            new Option("r", "routers", Takes.TEXT));

    /**
     * Camel's options the bridge does not offer, and why (re-check audit): the tracer logs every request and answer
     * body at INFO, where no level may log a request's contents (SECURITY.md); the idle and message-count durations
     * count Camel's exchanges, and the bridge's own timers make one every half second, so the idle one never ends a
     * run and the other counts ticks.
     */
    private static final Map<String, String> NOT_OFFERED = notOffered(Map.of(
            List.of("t", "trace", "ts", "traceStandby"), "Camel's tracer logs every request's and answer's body",
            List.of("di", "durationIdle"), "the bridge's timers keep it from ever being idle",
            List.of("dm", "durationMaxMessages"), "it counts the bridge's timer ticks, not requests"));

    /** Each name of an option not offered, to why. */
    private static Map<String, String> notOffered(Map<List<String>, String> whyByNames) {
        Map<String, String> byName = new java.util.HashMap<>();
        whyByNames.forEach((names, why) -> names.forEach(name -> byName.put(name, why)));
        return Map.copyOf(byName);
    }

    /** A mistake in the arguments, in one line. */
    static final class Mistake extends Exception {
        Mistake(String message) {
            super(message);
        }
    }

    private RunnerOptions() {}

    /** Whether the arguments ask for help, wherever it stands. */
    static boolean asksForHelp(String[] args) {
        return List.of(args).stream()
                .anyMatch(arg -> List.of("-h", "-help", "--help").contains(arg));
    }

    /** The arguments as Camel's runner is to read them, each option in its long form. */
    static String[] forCamel(String[] args) throws Mistake {
        List<String> passed = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String notOffered = NOT_OFFERED.get(arg.replaceFirst("^--?", ""));
            if (arg.startsWith("-") && notOffered != null) {
                throw new Mistake("option " + arg + " is not offered: " + notOffered + "; see --help");
            }
            Option option = named(arg)
                    .orElseThrow(() -> new Mistake(
                            arg.startsWith("-")
                                    ? "unknown option \"" + arg
                                            + "\"; see --help (a property is set as -Dkey=value before"
                                            + " -jar, or by its environment variable)"
                                    : "unexpected argument \"" + arg + "\"; see --help"));
            passed.add("-" + option.longName());
            if (i + 1 == args.length || args[i + 1].startsWith("-") && option.takes() == Takes.TEXT) {
                throw new Mistake("option " + arg + " needs a value; see --help");
            }
            String value = args[++i];
            if (option.takes() == Takes.WHOLE_NUMBER && !isWholeNumberUpTo(value, option.max())) {
                throw new Mistake("option " + arg + " needs a whole number from 0 to " + option.max() + ", not \""
                        + value + "\"; see --help");
            }
            passed.add(value);
        }
        return passed.toArray(String[]::new);
    }

    /** The profile named by {@code -profile} in arguments {@link #forCamel} handed on, if one is. */
    static Optional<String> profileOf(String[] forCamel) {
        for (int i = 0; i + 1 < forCamel.length; i += 2) {
            if (forCamel[i].equals("-profile")) {
                return Optional.of(forCamel[i + 1]);
            }
        }
        return Optional.empty();
    }

    /** A whole number from 0 (re-check audit: -d -5 ran for ever) to {@code max}. */
    private static boolean isWholeNumberUpTo(String value, long max) {
        return value.matches("[0-9]{1,9}") && Long.parseLong(value) <= max;
    }

    private static Optional<Option> named(String arg) {
        if (!arg.startsWith("-")) {
            return Optional.empty();
        }
        String name = arg.replaceFirst("^--?", "");
        return OPTIONS.stream().filter(option -> option.isNamedBy(name)).findFirst();
    }
}
