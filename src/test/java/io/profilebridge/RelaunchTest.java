package io.profilebridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When a start is relaunched in a child JVM and with what command (JarIT runs the real two processes): only a plain
 * {@code java -jar} on HotSpot, never twice, and the archive mapped once it exists.
 */
class RelaunchTest {

    private static final String VM = "OpenJDK 64-Bit Server VM";

    @TempDir
    Path folder;

    /** Where the options the variables added are on the child's command line, the variables go (anywhere audit: twice). */
    @Test
    void theChildGetsTheOptionsOfTheVariablesOnItsCommandLineOnly() {
        Map<String, String> environment = new java.util.HashMap<>(Map.of(
                "JAVA_TOOL_OPTIONS", "-Dfoo=bar",
                "JDK_JAVA_OPTIONS", "-Dbar=baz",
                "_JAVA_OPTIONS", "-Dbaz=foo",
                "BRIDGE_INBOX", "in"));
        Relaunch.withoutOptionsVariables(environment);
        assertThat(environment).containsOnlyKeys("BRIDGE_INBOX");
    }

    /**
     * Secrets audit: a key given in JAVA_TOOL_OPTIONS stood on the child's command line, which every local user may
     * read. The child gets this JVM's own command line, and the variables stay in its environment.
     */
    @Test
    void theOptionsOfTheVariablesStayInTheChildsEnvironmentWhereTheCommandLineCanBeRead() {
        List<String> all = List.of("-Dbridge.inbox=in", "-Dopenprospect.api-key=secret");
        Map<String, String> variables = Map.of("JAVA_TOOL_OPTIONS", "-Dopenprospect.api-key=secret");

        Relaunch.ChildOptions options =
                Relaunch.childOptions(all, variables, () -> Optional.of(List.of("-Dbridge.inbox=in")));
        assertThat(options.arguments()).containsExactly("-Dbridge.inbox=in");
        assertThat(options.keepsOptionsVariables()).isTrue();

        assertThat(Relaunch.childOptions(all, variables, Optional::empty))
                .as("no command line to read: every option on the child's, the variables gone")
                .isEqualTo(new Relaunch.ChildOptions(all, false));
        assertThat(Relaunch.childOptions(all, Map.of(), () -> Optional.of(all)))
                .isEqualTo(new Relaunch.ChildOptions(all, false));
    }

    @Test
    void aChildOfALocaleWithoutUtf8FileNamesGetsUtf8CharacterTypeOnly() {
        Map<String, String> plainC = new java.util.HashMap<>(Map.of("LANG", "C"));
        Relaunch.spellFileNamesInUtf8(plainC, "ANSI_X3.4-1968");
        assertThat(plainC).containsEntry("LC_CTYPE", "C.UTF-8").containsEntry("LANG", "C");

        Map<String, String> allC =
                new java.util.HashMap<>(Map.of("LC_ALL", "de_DE.ISO-8859-1", "LC_MESSAGES", "fr_FR"));
        Relaunch.spellFileNamesInUtf8(allC, "ISO-8859-1");
        assertThat(allC)
                .as("LC_ALL overrides LC_CTYPE: its value is every other category's")
                .isEqualTo(Map.of("LANG", "de_DE.ISO-8859-1", "LC_CTYPE", "C.UTF-8"));

        Map<String, String> utf8 = new java.util.HashMap<>(Map.of("LANG", "de_DE.UTF-8"));
        Relaunch.spellFileNamesInUtf8(utf8, "UTF-8");
        assertThat(utf8).as("left as it is").isEqualTo(Map.of("LANG", "de_DE.UTF-8"));
    }

    @Test
    void onlyAPlainJavaJarIsRelaunched() throws IOException {
        Path jar = Files.writeString(folder.resolve("profile-bridge.jar"), "");
        String path = jar.toString();
        assertThat(Relaunch.plainJar(List.of(), path, path, VM, Map.of())).contains(jar);
        assertThat(Relaunch.plainJar(List.of("-Dbridge.inbox=in"), path, path + " --verbose", VM, Map.of()))
                .as("-D options and arguments are passed on")
                .contains(jar);
        assertThat(Relaunch.plainJar(
                        List.of("-Dcom.sun.management.jmxremote.port=9010", "-Dbridge.inbox=in"),
                        path,
                        path,
                        VM,
                        Map.of()))
                .as("the JMX agent started here, its port taken: the bridge runs in this JVM")
                .isEmpty();
        assertThat(Relaunch.plainJar(List.of("-Djava.rmi.server.hostname=10.0.0.1"), path, path, VM, Map.of()))
                .as("the JMX agent's RMI settings too")
                .isEmpty();
        assertThat(Relaunch.plainJar(List.of("-Xmx512m"), path, path, VM, Map.of()))
                .as("a JVM tuned by hand is kept as told")
                .isEmpty();
        assertThat(Relaunch.plainJar(List.of(), path + ":other.jar", "io.profilebridge.ProfileBridge", VM, Map.of()))
                .as("started from a class path, as the container image and the tests are")
                .isEmpty();
        assertThat(Relaunch.plainJar(List.of(), path, path, "Eclipse OpenJ9 VM", Map.of()))
                .as("the archive options are HotSpot's")
                .isEmpty();
        assertThat(Relaunch.plainJar(List.of(), path, path, VM, Map.of(Relaunch.PARENT_VARIABLE, "1")))
                .as("the child itself")
                .isEmpty();
        assertThat(Relaunch.plainJar(List.of(), folder.resolve("gone.jar").toString(), "gone.jar", VM, Map.of()))
                .isEmpty();
    }

    @Test
    void theJvmArgumentsAreWhatStandsBeforeTheJarOption() {
        assertThat(Relaunch.beforeJar(List.of("java", "-jar", "bridge.jar"))).contains(List.of());
        assertThat(Relaunch.beforeJar(List.of("/jdk/bin/java", "-Dx=1", "-Dy=-jar", "-jar", "bridge.jar", "-jar")))
                .contains(List.of("-Dx=1", "-Dy=-jar"));
        assertThat(Relaunch.beforeJar(List.of("java", "-cp", "bridge.jar", "io.profilebridge.ProfileBridge")))
                .as("started from a class path: nothing to relaunch")
                .isEmpty();
    }

    @Test
    void theCommandLineSaysWhatTheJvmSays() {
        List<String> fromTheJvm = ManagementFactory.getRuntimeMXBean().getInputArguments();
        assertThat(Relaunch.jvmArgumentsOfAJarLaunch(System.getenv()))
                .as("surefire starts this JVM with -jar (its booter jar), options before it")
                .contains(fromTheJvm);
        assertThat(Relaunch.jvmArgumentsOfAJarLaunch(Map.of("JDK_JAVA_OPTIONS", "-Xmx64m")))
                .as("options a variable added are not on the command line: the JVM is asked")
                .contains(fromTheJvm);
    }

    @Test
    void theChildWritesTheArchiveOnItsFirstRunAndMapsItAfter() {
        Path java = Path.of("/jdk/bin/java");
        Path jar = Path.of("/opt/bridge.jar");
        Path training = Path.of("/cache/a-b.jsa.7.part");
        String[] args = {"--verbose"};
        assertThat(Relaunch.command(java, jar, List.of("-Dx=1"), Optional.empty(), training, "c1", args))
                .containsExactly(
                        "/jdk/bin/java",
                        "-Dx=1",
                        "-XX:ArchiveClassesAtExit=/cache/a-b.jsa.7.part",
                        "-Xlog:cds*=off",
                        "-XX:TieredStopAtLevel=1",
                        "-jar",
                        "/opt/bridge.jar",
                        "--verbose");
        assertThat(Relaunch.command(
                        java, jar, List.of(), Optional.of(Path.of("/cache/a-b.jsa")), training, "tiered", args))
                .containsExactly(
                        "/jdk/bin/java",
                        "-XX:SharedArchiveFile=/cache/a-b.jsa",
                        "-Xlog:cds*=off",
                        "-jar",
                        "/opt/bridge.jar",
                        "--verbose");
    }

    /** JDK 25 audit: eight WARNING lines on stderr at every start on JDK 24 and later, none on JDK 17. */
    @Test
    void aJdkThatWarnsOfTheLibrariesUnsafeAndNativeAccessIsToldTheyMay() {
        assertThat(Relaunch.libraryAccess(25))
                .containsExactly("--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED");
        assertThat(Relaunch.libraryAccess(24)).hasSize(2);
        assertThat(Relaunch.libraryAccess(21)).isEmpty();
        assertThat(Relaunch.libraryAccess(17)).as("options JDK 17 would refuse").isEmpty();
    }
}
