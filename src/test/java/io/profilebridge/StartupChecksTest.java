package io.profilebridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inbox and outbox must be folders, or be makeable as folders; anything else stops the start naming the key. */
class StartupChecksTest {

    @TempDir
    Path root;

    /** Constrained-host audit: at ulimit -n 64 the process ran half-started, its broker client failing. */
    @Test
    void aStartStopsWithTooFewOpenFilesAllowedAndWarnsWithFew() {
        assertThatThrownBy(() -> StartupChecks.requireFileDescriptors(64))
                .isInstanceOf(StartupFailure.class)
                .hasMessageContaining("at most 64 files")
                .hasMessageContaining("ulimit -n 1024");
        try (LogCapture logs = LogCapture.start()) {
            assertThatCode(() -> StartupChecks.requireFileDescriptors(256)).doesNotThrowAnyException();
            assertThatCode(() -> StartupChecks.requireFileDescriptors(1024)).doesNotThrowAnyException();
            assertThat(logs.lines())
                    .filteredOn(line -> line.contains("may open at most"))
                    .singleElement()
                    .satisfies(line -> assertThat(line).contains(" WARN ", "at most 256 files", "1024 or more"));
        }
        assertThatCode(() -> StartupChecks.requireFileDescriptors(-1))
                .as("unknown")
                .doesNotThrowAnyException();
    }

    @Test
    void aFolderOrOneNotMadeYetBelowAFolderIsFine() {
        assertThatCode(() -> StartupChecks.requireFolder("bridge.inbox", root)).doesNotThrowAnyException();
        assertThatCode(() -> StartupChecks.requireFolder("bridge.outbox", root.resolve("not/yet")))
                .doesNotThrowAnyException();
    }

    @Test
    void aFileWhereTheFolderShouldBeStopsTheStartNamingTheKey() throws Exception {
        // black-box audit: bridge.inbox naming a regular file gave one WARN of Camel's and a healthy bridge that never
        // took a file
        Path file = Files.writeString(root.resolve("afile"), "x");
        assertThatThrownBy(() -> StartupChecks.requireFolder("bridge.inbox", file))
                .isInstanceOf(StartupFailure.class)
                .hasMessage("property bridge.inbox must name a folder, but " + file + " is not one");
        assertThatThrownBy(() -> StartupChecks.requireFolder("bridge.outbox", file.resolve("results")))
                .isInstanceOf(StartupFailure.class)
                .hasMessageContaining("property bridge.outbox must name a folder, but " + file + ", above");
    }

    @Test
    void aLinkToNowhereWhereTheFolderShouldBeIsNamedAsSuch() throws Exception {
        // storecorrupt audit: "is not one" left unsaid that the link's target does not exist
        Path link = Files.createSymbolicLink(root.resolve("data"), root.resolve("gone"));
        assertThatThrownBy(() -> StartupChecks.requireFolder("bridge.data", link))
                .isInstanceOf(StartupFailure.class)
                .hasMessage("property bridge.data must name a folder, but " + link + " is not one: it is a symbolic"
                        + " link to " + root.resolve("gone") + ", which does not exist");
    }

    @Test
    void aFolderThisUserCannotWriteStopsTheStartNamingTheKey() throws Exception {
        // the test runs as root in CI, which writes anywhere: what is writable is the test's to say
        Path inbox = Files.createDirectories(root.resolve("inbox"));
        assertThatThrownBy(() -> StartupChecks.requireFolder("bridge.inbox", inbox, folder -> false))
                .isInstanceOf(StartupFailure.class)
                .hasMessage("property bridge.inbox: " + inbox + " cannot be written by this process's user ("
                        + System.getProperty("user.name")
                        + "), or lies on a read-only file system: give the user write access to it");
        assertThatThrownBy(() -> StartupChecks.requireFolder(
                        "bridge.outbox", root.resolve("outbox/failed"), folder -> !folder.equals(root)))
                .hasMessageStartingWith("property bridge.outbox: " + root + ", where " + root.resolve("outbox/failed")
                        + " is to be made, cannot be written");
        assertThatCode(() -> StartupChecks.requireFolder("bridge.inbox", inbox.resolve("orbit"), folder -> true))
                .doesNotThrowAnyException();
    }

    /**
     * Crash audit: a restart on a read-only outbox stopped the start (and with it the broker and every poll): the
     * outbox's folders are named in a warning instead, and the results wait.
     */
    @Test
    void anOutboxThatCannotBeWrittenIsNamedNotRefused() throws Exception {
        Path outbox = Files.createDirectories(root.resolve("outbox"));
        assertThat(StartupChecks.resultFolders(outbox))
                .contains(
                        outbox,
                        outbox.resolve("failed"),
                        outbox.resolve("orbit"),
                        outbox.resolve("failed/openprospect"));
        assertThat(StartupChecks.unwritable("bridge.outbox", outbox.resolve("orbit"), folder -> false))
                .hasValueSatisfying(problem -> assertThat(problem)
                        .startsWith("property bridge.outbox: " + outbox + ", where " + outbox.resolve("orbit")
                                + " is to be made, cannot be written"));
        assertThat(StartupChecks.unwritable("bridge.outbox", outbox, folder -> true))
                .isEmpty();
    }

    @Test
    void aFileNameEncodingOtherThanUtf8IsWarnedOfAtStart() {
        try (CapturedLog log = CapturedLog.start()) {
            StartupChecks.warnOfFileNameEncoding("UTF-8");
            StartupChecks.warnOfFileNameEncoding("ANSI_X3.4-1968");
            assertThat(log.lines().stream().filter(line -> line.contains("under this locale (sun.jnu.encoding)")))
                    .singleElement()
                    .asString()
                    .contains("File names are read as ANSI_X3.4-1968", "LANG=C.UTF-8");
        }
    }

    @Test
    void aDataFolderInsideTheInboxOrOutboxStopsTheStart() {
        Path inbox = root.resolve("inbox");
        Path outbox = root.resolve("outbox");
        assertThatThrownBy(() -> StartupChecks.requireDataApart(inbox.resolve("openprospect"), inbox, outbox))
                .isInstanceOf(StartupFailure.class)
                .hasMessageContaining("property bridge.data must be a folder outside bridge.inbox and the folders")
                .hasMessageContaining("is inside " + inbox);
        assertThatThrownBy(() -> StartupChecks.requireDataApart(outbox.resolve("failed/x"), inbox, outbox))
                .hasMessageContaining("is inside " + outbox.resolve("failed"));
        assertThatThrownBy(() -> StartupChecks.requireDataApart(outbox, inbox, outbox))
                .hasMessageContaining("must be another folder than bridge.outbox");
        assertThatCode(() -> StartupChecks.requireDataApart(root.resolve("data"), inbox, outbox))
                .doesNotThrowAnyException();
        assertThatCode(() -> StartupChecks.requireDataApart(outbox.resolve(".bridge-state"), inbox, outbox))
                .as("a folder of its own beside the results (review)")
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> StartupChecks.requireDataApart(root, inbox, outbox))
                .hasMessageContaining("must not hold " + inbox);
    }

    @Test
    void anOutboxInsideTheInboxStopsTheStart() {
        // third black-box audit: with both the same folder every result was taken in again as a request
        Path inbox = root.resolve("box");
        assertThatThrownBy(() -> StartupChecks.requireApart(inbox, root.resolve("box/.")))
                .isInstanceOf(StartupFailure.class)
                .hasMessageContaining("property bridge.outbox must be a folder outside bridge.inbox")
                .hasMessageContaining("is the inbox");
        assertThatThrownBy(() -> StartupChecks.requireApart(inbox, inbox.resolve("results")))
                .hasMessageContaining("is inside the inbox");
        assertThatCode(() -> StartupChecks.requireApart(inbox, root.resolve("boxes")))
                .as("a sibling whose name begins the same")
                .doesNotThrowAnyException();
        assertThatCode(() -> StartupChecks.requireApart(root.resolve("data/inbox"), root.resolve("data")))
                .doesNotThrowAnyException();
    }

    /**
     * Configuration audit: an inbox of out/failed took every failed result in as a request and failed it again (12
     * files in 30 s), an inbox of out/openprospect moved a succeeded result to .failed/, and an inbox that is a link to
     * the outbox started.
     */
    @Test
    void anInboxWhereResultsAreWrittenStopsTheStart() throws Exception {
        Path outbox = root.resolve("out");
        for (String inbox : List.of("out/failed", "out/openprospect", "out/failed/orbit", "out/orbit/more")) {
            assertThatThrownBy(() -> StartupChecks.requireApart(root.resolve(inbox), outbox))
                    .as(inbox)
                    .isInstanceOf(StartupFailure.class)
                    .hasMessageContaining("property bridge.inbox must lie outside the folders results are written to");
        }
        assertThatCode(() -> StartupChecks.requireApart(root.resolve("out/requests"), outbox))
                .as("no result is written there")
                .doesNotThrowAnyException();
        Files.createDirectories(outbox);
        Path link = Files.createSymbolicLink(root.resolve("in"), outbox);
        assertThatThrownBy(() -> StartupChecks.requireApart(link, outbox))
                .isInstanceOf(StartupFailure.class)
                .hasMessageContaining("is the inbox");
    }

    /** Anywhere audit: an unusable temporary folder ended the start with a stack trace that named no setting. */
    @Test
    void aTemporaryFolderThatIsNoFolderStopsTheStartNamingIt() throws Exception {
        Path notAFolder = Files.writeString(root.resolve("tmp-file"), "");
        String before = System.getProperty("java.io.tmpdir");
        System.setProperty("java.io.tmpdir", notAFolder.toString());
        try {
            assertThatThrownBy(() -> BridgeRun.start(root, BridgeRun.testProperties(root, "http://127.0.0.1:9"))
                            .close())
                    .rootCause()
                    .isInstanceOf(StartupFailure.class)
                    .hasMessage("property java.io.tmpdir must name a folder, but " + notAFolder + " is not one");
        } finally {
            System.setProperty("java.io.tmpdir", before);
        }
    }

    @Test
    void anOutboxTooDeepForTheLongestResultPathStopsTheStart() {
        Path deep = root.resolve("d".repeat(StartupChecks.MAX_PATH_BYTES - StartupChecks.RESULT_PATH_BYTES));
        assertThatThrownBy(() -> StartupChecks.requireRoomForResults(deep))
                .isInstanceOf(StartupFailure.class)
                .hasMessageStartingWith("property bridge.outbox: its path is ")
                .hasMessageContaining("give a shorter one");
        assertThatCode(() -> StartupChecks.requireRoomForResults(root.resolve("outbox")))
                .doesNotThrowAnyException();
    }

    @Test
    void aTemporaryFolderThatDoesNotExistStopsTheStart() {
        assertThatThrownBy(() -> StartupChecks.requireTemporaryFolder(root.resolve("none")))
                .isInstanceOf(StartupFailure.class)
                .hasMessageContaining("property java.io.tmpdir: ")
                .hasMessageContaining("does not exist");
        assertThatCode(() -> StartupChecks.requireTemporaryFolder(root)).doesNotThrowAnyException();
    }

    /**
     * Management-security audit: camel.management.send-enabled started without a word, and /q/send read the API keys
     * from the process's environment; Camel's own spelling of the key is read, as for the developer consoles.
     */
    @Test
    void camelsSendSwitchStopsTheStartInAnySpelling() {
        for (String key : List.of("camel.management.send-enabled", "camel.management.sendEnabled")) {
            // a folder each: a refused start's process ends, its data folder's lock with it
            Path folder = root.resolve(key);
            var properties = BridgeRun.testProperties(folder, "http://127.0.0.1:9");
            properties.put(key, "true");
            assertThatThrownBy(() -> BridgeRun.start(folder, properties).close())
                    .as(key)
                    .rootCause()
                    .isInstanceOf(StartupFailure.class)
                    .hasMessageStartingWith("property camel.management.send-enabled would serve /q/send");
        }
    }

    /** Re-check audit: the login switched on with no accounts served every path to anyone, without a word. */
    @Test
    void camelsLoginWithoutAccountsStopsTheStart() {
        var properties = BridgeRun.testProperties(root, "http://127.0.0.1:9");
        properties.put("camel.management.authentication-enabled", "true");
        assertThatThrownBy(() -> BridgeRun.start(root, properties).close())
                .rootCause()
                .isInstanceOf(StartupFailure.class)
                .hasMessageStartingWith("property camel.management.authentication-enabled needs");
    }

    /**
     * Management-security audit: with Camel's login on, every path of the management port asked for it but
     * /observe/metrics, which the bridge's own handler answered ahead of the login.
     */
    @Test
    void withCamelsLoginOnTheMetricsAskForItToo() throws Exception {
        Path users = root.resolve("users.properties");
        Files.writeString(users, "user.ops = opsPassword,admin\nrole.admin = *\n");
        var properties = BridgeRun.testProperties(root, "http://127.0.0.1:9");
        properties.put("camel.management.authentication-enabled", "true");
        properties.put("camel.management.basic-properties-file", users.toString());
        try (BridgeRun bridge = BridgeRun.start(root, properties)) {
            HttpClient client = HttpClient.newHttpClient();
            String metrics = "http://127.0.0.1:" + properties.get("camel.management.port") + "/observe/metrics";
            assertThat(client.send(HttpRequest.newBuilder(URI.create(metrics)).build(), BodyHandlers.discarding())
                            .statusCode())
                    .as("without the login")
                    .isEqualTo(401);
            assertThat(scrapeLoggedIn(client, metrics, "*/*").body())
                    .as("with it")
                    .contains("profile_bridge_");
            // re-check audit: with the login on, every Accept but */* was Camel's 406 again
            assertThat(scrapeLoggedIn(client, metrics, "text/plain").statusCode())
                    .isEqualTo(200);
        }
    }

    private static HttpResponse<String> scrapeLoggedIn(HttpClient client, String metrics, String accept)
            throws Exception {
        String login = Base64.getEncoder().encodeToString("ops:opsPassword".getBytes(StandardCharsets.UTF_8));
        return client.send(
                HttpRequest.newBuilder(URI.create(metrics))
                        .header("Authorization", "Basic " + login)
                        .header("Accept", accept)
                        .build(),
                BodyHandlers.ofString());
    }
}
