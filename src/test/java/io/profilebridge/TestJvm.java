package io.profilebridge;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A JVM on the tests' own class path running one main class: for what needs a process of its own (a kill, a locale). */
public final class TestJvm {

    /** How a run ended: its exit code and what it printed (stdout and stderr together). */
    public record Ended(int exitCode, String output) {}

    private TestJvm() {}

    public static ProcessBuilder running(String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                mainClass));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true);
    }

    /** Runs the class to its end. */
    public static Ended run(Class<?> mainClass, String... args) throws IOException, InterruptedException {
        return run(running(mainClass.getName(), args));
    }

    public static Ended run(ProcessBuilder builder) throws IOException, InterruptedException {
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Ended(process.waitFor(), output);
    }
}
