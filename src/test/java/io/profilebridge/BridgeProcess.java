package io.profilebridge;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** The bridge as a separate JVM (this test JVM's classpath), configured by environment variables as in production. */
public final class BridgeProcess {

    private BridgeProcess() {}

    public static Process start(Map<String, String> properties, Path log) throws IOException {
        return start(properties, Map.of(), log);
    }

    /** @param environment further variables as they are, such as LOG4J_CONFIGURATION_FILE */
    public static Process start(Map<String, String> properties, Map<String, String> environment, Path log)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // a test's bridge lives for seconds: start-up matters more than peak speed (a third less start time)
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                ProfileBridge.class.getName());
        builder.directory(new File(System.getProperty("user.dir")));
        properties.forEach((key, value) ->
                builder.environment().put(key.toUpperCase().replace('.', '_').replace('-', '_'), value));
        builder.environment().putAll(environment);
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return builder.start();
    }
}
