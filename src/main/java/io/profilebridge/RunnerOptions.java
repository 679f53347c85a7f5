package io.profilebridge;

import java.util.ArrayList;
import java.util.List;
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
        NOTHING,
        WHOLE_NUMBER,
        TEXT
    }

    private record Option(String shortName, String longName, Takes takes) {

        boolean isNamedBy(String name) {
            return name.equals(shortName) || name.equals(longName);
        }
    }

    private static final List<Option> OPTIONS = List.of(
            new Option("d", "duration", Takes.WHOLE_NUMBER),
            new Option("dm", "durationMaxMessages", Takes.WHOLE_NUMBER),
            new Option("di", "durationIdle", Takes.WHOLE_NUMBER),
            new Option("e", "exitcode", Takes.WHOLE_NUMBER),
            new Option("t", "trace", Takes.NOTHING),
            new Option("ts", "traceStandby", Takes.NOTHING),
            new Option("pl", "propertiesLocation", Takes.TEXT),
            new Option("pro", "profile", Takes.TEXT),
            new Option("r", "routers", Takes.TEXT));

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
            Option option = named(arg)
                    .orElseThrow(() -> new Mistake(
                            arg.startsWith("-")
                                    ? "unknown option \"" + arg
                                            + "\"; see --help (a property is set as -Dkey=value before"
                                            + " -jar, or by its environment variable)"
                                    : "unexpected argument \"" + arg + "\"; see --help"));
            passed.add("-" + option.longName());
            if (option.takes() == Takes.NOTHING) {
                continue;
            }
            if (i + 1 == args.length || args[i + 1].startsWith("-") && option.takes() == Takes.TEXT) {
                throw new Mistake("option " + arg + " needs a value; see --help");
            }
            String value = args[++i];
            if (option.takes() == Takes.WHOLE_NUMBER && !value.matches("-?[0-9]{1,9}")) {
                throw new Mistake("option " + arg + " needs a whole number, not \"" + value + "\"; see --help");
            }
            passed.add(value);
        }
        return passed.toArray(String[]::new);
    }

    private static Optional<Option> named(String arg) {
        if (!arg.startsWith("-")) {
            return Optional.empty();
        }
        String name = arg.replaceFirst("^--?", "");
        return OPTIONS.stream().filter(option -> option.isNamedBy(name)).findFirst();
    }
}
