package io.profilebridge.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.profilebridge.BridgeMain;
import io.profilebridge.BridgeSettings;
import io.profilebridge.ProfileBridge;
import io.profilebridge.TestJvm;
import io.profilebridge.api.Api;
import io.profilebridge.api.ApiCredentials;
import io.profilebridge.api.KeyMask;
import io.profilebridge.orbit.OrbitRequestRules;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    /** A configured key of no known shape. */
    private static final String KEY = "c0ffee11d2a3b4c5d6e7f8091a2b3c4d5e6f7089";

    private CheckCommand command() {
        return new CheckCommand(
                new RequestReader(
                        BridgeSettings.packagedDefaults().number("bridge.request.max-bytes"), DocumentedRules.INSTANCE),
                OrbitRequestRules.DEFAULT_RUN_COST,
                new KeyMask(new ApiCredentials().with(Api.ORBIT, KEY)),
                new PrintStream(output, true, StandardCharsets.UTF_8));
    }

    /**
     * Anywhere audit: under LANG=C the JVM reads names as ASCII, and a non-ASCII file name ended the check with a stack
     * trace; it is named, with the remedy, as a usage error.
     */
    @Test
    void aNameTheLocaleCannotSpellIsNamedWithTheRemedy() throws Exception {
        Path file = Files.writeString(dir.resolve("é-日本.json"), "{\"email\": \"a@example.com\"}");
        ProcessBuilder builder = TestJvm.running(ProfileBridge.class.getName(), "check", file.toString());
        builder.environment().keySet().removeIf(name -> name.startsWith("LC_") || name.equals("LANG"));
        builder.environment().put("LANG", "C");
        TestJvm.Ended check = TestJvm.run(builder);
        assertThat(check.exitCode()).as(check.output()).isEqualTo(2);
        assertThat(check.output())
                .contains("run the check with LANG=C.UTF-8")
                .contains("cannot be named in ANSI_X3.4-1968")
                .doesNotContain("Exception");
    }

    /** CLI audit: check's usage errors came on stdout, among the verdicts, where the bridge's own go to stderr. */
    @Test
    void aUsageErrorGoesToStandardError() throws Exception {
        ProcessBuilder builder = TestJvm.running(
                        ProfileBridge.class.getName(),
                        "check",
                        dir.resolve("nope.json").toString())
                .redirectErrorStream(false)
                .redirectError(dir.resolve("stderr.txt").toFile());
        Process check = builder.start();
        String stdout = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor()).isEqualTo(2);
        assertThat(stdout).isEmpty();
        assertThat(Files.readString(dir.resolve("stderr.txt"))).contains("check: no such file or folder: ");
    }

    @Test
    void theSamplesGetOneVerdictEachASummaryAndTheOrbitCost() throws Exception {
        int exit = command().run(List.of("samples"));
        String printed = output.toString(StandardCharsets.UTF_8);
        assertThat(exit).isEqualTo(1);
        assertThat(printed)
                .contains("INVALID  samples/orbit/invalid-legacy-mode.json: developer_deep_search_field_unsupported")
                .contains(
                        "INVALID  samples/openprospect/invalid-no-target-countries.json: validation_error: target_countries")
                .contains("OK       samples/openprospect/dach-saas-buyers.json")
                .contains(
                        "9 files: 7 valid, 2 invalid; the valid Orbit requests would cost up to 50 credits (5 runs x 10, the"
                                + " docs' default cost of a run: an operator may set another; a profileId already"
                                + " fully generated is refunded)");
    }

    @Test
    void validFilesExitZeroAndMissingOnesAreAUsageError() throws Exception {
        Files.createDirectories(dir.resolve("orbit"));
        Files.writeString(dir.resolve("orbit/ok.json"), "{\"email\": \"a@example.com\"}");
        assertThat(command().run(List.of(dir.toString()))).isZero();
        assertThat(command().run(List.of(dir.resolve("nope.json").toString()))).isEqualTo(2);
        assertThat(command().run(List.of())).isEqualTo(2);
    }

    /**
     * A file that cannot be read gets its verdict like any other, and the rest are still checked (contract audit: an
     * unreadable file ended the check with a stack trace). /proc/self/mem is a regular file whose first page no read
     * reaches, even as root.
     */
    @Test
    void anUnreadableFileIsNamedAndTheOthersStillChecked() throws Exception {
        Path unreadable = Path.of("/proc/self/mem");
        Assumptions.assumeTrue(Files.isRegularFile(unreadable), "a Linux /proc");
        Path ok = Files.writeString(
                Files.createDirectories(dir.resolve("orbit")).resolve("ok.json"), "{\"email\": \"a@example.com\"}");
        int exit = command().run(List.of(unreadable.toString(), ok.toString()));
        assertThat(exit).isEqualTo(1);
        assertThat(output.toString(StandardCharsets.UTF_8))
                .contains("INVALID  /proc/self/mem: unreadable: java.io.IOException")
                .contains("OK       " + ok)
                .contains("2 files: 1 valid, 1 invalid");
    }

    /**
     * CLI audit: a folder the check could not read was passed over ("0 files", exit 0), so a gate passed requests it
     * never saw. Root reads any folder it owns; /proc/1/map_files is one that root without CAP_SYS_ADMIN cannot list.
     */
    @Test
    void aFolderItCannotReadIsNamedAndCountsAsInvalid() throws Exception {
        Path locked = Files.createDirectories(dir.resolve("orbit"));
        Files.writeString(locked.resolve("a.json"), "{\"email\": \"a@example.com\"}");
        Files.setPosixFilePermissions(locked, java.nio.file.attribute.PosixFilePermissions.fromString("---------"));
        Path unreadable = listable(locked) ? Path.of("/proc/1/map_files") : locked;
        Assumptions.assumeFalse(listable(unreadable), "a folder this user cannot list");
        try {
            int exit = command().run(List.of(unreadable.toString()));
            assertThat(exit).isEqualTo(1);
            assertThat(output.toString(StandardCharsets.UTF_8))
                    .contains("INVALID  " + unreadable + ": unreadable: java.nio.file.AccessDeniedException: "
                            + unreadable)
                    .contains("(a folder: the requests in it are not checked)")
                    .contains("1 files: 0 valid, 1 invalid");
        } finally {
            Files.setPosixFilePermissions(locked, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        }
    }

    /** Re-check audit: an unreadable .done/ (the bridge's own, passed over) failed the check of its inbox. */
    @Test
    void aDotFolderItCannotReadIsPassedOverAsTheInboxPassesItOver() throws Exception {
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        Files.writeString(
                Files.createDirectories(inbox.resolve("orbit")).resolve("ok.json"), "{\"email\": \"a@example.com\"}");
        Path done = Files.createDirectories(inbox.resolve("orbit/.done"));
        Files.setPosixFilePermissions(done, java.nio.file.attribute.PosixFilePermissions.fromString("---------"));
        try {
            Assumptions.assumeFalse(listable(done), "a folder this user cannot list");
            assertThat(command().run(List.of(inbox.toString()))).isZero();
            assertThat(output.toString(StandardCharsets.UTF_8)).contains("1 files: 1 valid, 0 invalid");
        } finally {
            Files.setPosixFilePermissions(done, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        }
    }

    /** Re-check audit: a file named whose folder cannot be searched was told "no such file or folder", exit 2. */
    @Test
    void aNamedFileItCannotStatIsUnreadableNotMissing() throws Exception {
        Path half = Files.createDirectories(dir.resolve("half"));
        Path file = Files.writeString(half.resolve("r.json"), "{}");
        Files.setPosixFilePermissions(half, java.nio.file.attribute.PosixFilePermissions.fromString("r--r--r--"));
        try {
            Assumptions.assumeFalse(Files.exists(file), "a folder this user cannot search");
            assertThat(command().run(List.of(file.toString()))).isEqualTo(1);
            // the inbox's own rule names it first: it leaves a file whose attributes it cannot read
            assertThat(output.toString(StandardCharsets.UTF_8))
                    .contains("INVALID  " + file + ": not_taken: the inbox leaves it where it is: its attributes cannot"
                            + " be read")
                    .doesNotContain("no such file");
        } finally {
            Files.setPosixFilePermissions(half, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        }
    }

    private static boolean listable(Path folder) {
        try (var entries = Files.list(folder)) {
            entries.count();
            return true;
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }

    /**
     * Hostile-content audit: a key holding a newline split a verdict in two, so a key could forge an "OK" line; and a
     * folder the routes do not read ({@code Orbit/}) passed, while the bridge never takes its files.
     */
    @Test
    void eachFileIsOneLineAndAFolderNoRouteReadsIsNamed() throws Exception {
        Files.writeString(
                dir.resolve("forged.json"),
                "{\"api\": \"orbit\", \"idempotencyKey\": \"x\\nOK       other.json\","
                        + " \"request\": {\"email\": \"a@example.com\"}}");
        Files.writeString(
                Files.createDirectories(dir.resolve("Orbit")).resolve("a.json"), "{\"email\": \"a@example.com\"}");
        Files.writeString(
                Files.createDirectories(dir.resolve(".done")).resolve("b.json"), "{\"email\": \"a@example.com\"}");
        int exit = command().run(List.of(dir.toString()));
        String printed = output.toString(StandardCharsets.UTF_8);
        assertThat(exit).isEqualTo(1);
        assertThat(printed.lines())
                .hasSize(3)
                .anySatisfy(line -> assertThat(line).endsWith("forged.json (orbit, key x\\nOK       other.json)"))
                .anySatisfy(line -> assertThat(line)
                        .startsWith("INVALID  " + dir.resolve("Orbit/a.json") + ": folder_unread: its folder Orbit/"));
        assertThat(printed).contains("2 files: 1 valid, 1 invalid");
    }

    /**
     * Docs-truth audit: check read through a link (to /etc/passwd, quoting its first token) and passed names the inbox
     * leaves where they are; it applies the inbox's own rules to the file itself now.
     */
    @Test
    void aFileTheInboxWouldNotTakeIsInvalidAndALinkIsNeverRead() throws Exception {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "root:x:0:0");
        Path orbit = Files.createDirectories(dir.resolve("in/orbit"));
        Files.createSymbolicLink(orbit.resolve("link.json"), secret);
        Files.writeString(orbit.resolve("tab\there.json"), "{\"email\": \"a@example.com\"}");
        int exit = command().run(List.of(dir.resolve("in").toString()));
        String printed = output.toString(StandardCharsets.UTF_8);
        assertThat(exit).isEqualTo(1);
        assertThat(printed)
                .contains("link.json: not_taken: the inbox leaves it where it is: it is a symbolic link")
                .contains("here.json: not_taken: the inbox leaves it where it is: its name has a control character")
                .contains("2 files: 0 valid, 2 invalid")
                .doesNotContain("root");
    }

    /**
     * Agreement audit: check passed over a file in a folder below an API folder and one named .JSON (which the inbox
     * takes), and passed a dot-named file the inbox never takes; review: a folder below an API folder spelt as one
     * passed too.
     */
    @Test
    void checkListsTheFilesTheInboxWouldSee() throws Exception {
        Path orbit = Files.createDirectories(dir.resolve("in/orbit"));
        Files.writeString(orbit.resolve("UPPER.JSON"), "{\"email\": \"a@example.com\"}");
        Files.writeString(
                Files.createDirectories(orbit.resolve("sub")).resolve("deep.json"), "{\"email\": \"b@example.com\"}");
        Files.writeString(
                Files.createDirectories(orbit.resolve("orbit")).resolve("inner.json"),
                "{\"email\": \"e@example.com\"}");
        Path hidden = Files.writeString(orbit.resolve(".hidden.json"), "{\"email\": \"c@example.com\"}");
        Files.writeString(
                Files.createDirectories(orbit.resolve(".done")).resolve("done.json"), "{\"email\": \"d@example.com\"}");

        int exit = command().run(List.of(dir.resolve("in").toString(), hidden.toString()));
        String printed = output.toString(StandardCharsets.UTF_8);
        assertThat(exit).isEqualTo(1);
        assertThat(printed)
                .contains("OK       " + orbit.resolve("UPPER.JSON"))
                .contains(orbit.resolve("sub/deep.json") + ": folder_unread: its folder sub/")
                .contains(".hidden.json: not_taken: the inbox leaves it where it is: its name starts with a dot")
                .contains(orbit.resolve("orbit/inner.json") + ": folder_unread: its folder orbit/")
                .doesNotContain("done.json")
                .contains("4 files: 1 valid, 3 invalid");
    }

    /**
     * Agreement audit: a folder added as the README says (a templatedRoute of inbox-folder in routes/) got
     * folder_unread from check while the bridge ran its files; check reads the route files of the working directory.
     */
    @Test
    void aFolderARouteFileOfOnesOwnAddsIsReadWithItsApi() throws Exception {
        Map<String, String> folders = InboxRouteFolders.read(Files.createDirectories(dir.resolve("none")));
        assertThat(folders)
                .as("the packaged ones")
                .containsEntry("openprospect", "openprospect")
                .containsEntry("orbit", "orbit")
                .containsEntry("", "");

        Path routes = Files.createDirectories(dir.resolve("routes"));
        Files.writeString(routes.resolve("inbox-orbit-eu.camel.yaml"), """
                - templatedRoute:
                    routeTemplateRef: inbox-folder
                    routeId: inbox-orbit-eu
                    parameters:
                      - name: folder
                        value: orbit-eu
                      - name: api
                        value: orbit
                """);
        Files.writeString(routes.resolve("inbox-orbit.camel.yaml"), """
                - templatedRoute:
                    routeTemplateRef: inbox-folder
                    routeId: inbox-orbit
                    parameters:
                      - name: folder
                        value: orbit-us
                      - name: api
                        value: orbit
                """);
        Files.writeString(routes.resolve("broken.camel.yaml"), "- : [ not yaml");
        assertThat(InboxRouteFolders.read(routes))
                .containsEntry("orbit-eu", "orbit")
                .containsEntry("orbit-us", "orbit")
                .as("replaced by the file of its name")
                .doesNotContainKey("orbit")
                .containsEntry("openprospect", "openprospect");
    }

    /**
     * CLI audit: check read the working directory's routes/ alone, where a start also reads the jar folder's and any
     * folder camel.main.routes-include-pattern names: a folder a route file there adds got folder_unread.
     */
    @Test
    void theRouteFilesAreThoseTheIncludePatternNames() throws Exception {
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Files.writeString(elsewhere.resolve("inbox-orbit-eu.camel.yaml"), """
                - templatedRoute:
                    routeTemplateRef: inbox-folder
                    parameters:
                      - name: folder
                        value: orbit-eu
                      - name: api
                        value: orbit
                """);
        Files.writeString(elsewhere.resolve("inbox-orbit.yaml.bak"), "- : [ not read");
        assertThat(InboxRouteFolders.read(io.profilebridge.RouteFiles.locations(
                        "classpath:routes/*.camel.yaml,file:" + elsewhere + "/*.camel.yaml")))
                .containsEntry("orbit-eu", "orbit")
                .containsEntry("orbit", "orbit")
                .containsEntry("", "");
        assertThat(InboxRouteFolders.read(io.profilebridge.RouteFiles.locations("file:" + elsewhere + "/*.camel.yaml")))
                .as("the packaged files left out")
                .containsOnlyKeys("orbit-eu");
    }

    @Test
    void helpPrintsTheUsageAndExitsZero() throws Exception {
        // README audit: "check --help" looked for a file named --help and exited 2
        assertThat(command().run(List.of("--help"))).isZero();
        assertThat(output.toString(StandardCharsets.UTF_8)).startsWith("usage: check FILE|DIR...");
    }

    /** CLI audit: "--" was taken for a file's name, so a file named --help could not be checked. */
    @Test
    void aDoubleDashEndsTheOptions() throws Exception {
        Path named = Files.writeString(
                Files.createDirectories(dir.resolve("orbit")).resolve("--help"), "{\"email\": \"a@example.com\"}");
        assertThat(command().run(List.of("--", named.toString()))).isZero();
        assertThat(output.toString(StandardCharsets.UTF_8))
                .contains("OK       " + named)
                .contains("1 files: 1 valid, 0 invalid");
        assertThat(command().run(List.of("--"))).as("nothing to check").isEqualTo(2);
    }

    /**
     * The command line's check reads bridge.request.max-bytes as a start would (configuration audit: it used the
     * packaged 1 MiB, so a file the configured bridge refuses passed the check).
     */
    @Test
    void theCommandLinesCheckUsesTheConfiguredSizeLimit() throws Exception {
        Files.createDirectories(dir.resolve("orbit"));
        Files.writeString(dir.resolve("orbit/ok.json"), "{\"email\": \"a@example.com\"}");
        assertThat(CheckCommand.standalone(BridgeMain.configuredSettings()).run(List.of(dir.toString())))
                .isZero();
        System.setProperty("bridge.request.max-bytes", "10");
        try {
            assertThat(CheckCommand.standalone(BridgeMain.configuredSettings()).run(List.of(dir.toString())))
                    .as("the 29-byte file over the configured 10 bytes")
                    .isEqualTo(1);
        } finally {
            System.clearProperty("bridge.request.max-bytes");
        }
    }

    /** Secrets audit: a key pasted into a request file was quoted by the check's refusal, as the bridge's is not. */
    @Test
    void aRefusalQuotingAConfiguredKeyMasksIt() throws Exception {
        Path file = Files.writeString(dir.resolve("b.json"), KEY + " oops");
        assertThat(command().run(List.of(file.toString()))).isEqualTo(1);
        assertThat(output.toString(StandardCharsets.UTF_8))
                .contains("request_not_json", "characters, not shown")
                .doesNotContain(KEY.substring(0, 8));
    }
}
