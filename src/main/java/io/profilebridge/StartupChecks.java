package io.profilebridge;

import io.profilebridge.api.Api;
import io.profilebridge.intake.InboxFileFilter;
import io.profilebridge.jms.JmsConfiguration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs first. Before anything else opens (the properties the routes and components read were checked before, by
 * {@link PropertyChecks}), the inbox and outbox must be writable folders, the data folder this process's alone and the
 * management port free;
 * before any route consumer starts, the management server must really be bound (Vert.x logs a failed bind and
 * Camel would start on without health and metrics); once all is up, the start-up banner says where everything is.
 */
public class StartupChecks implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(StartupChecks.class);

    static final String MANAGEMENT_PORT_KEY = "camel.management.port";

    @Override
    public void configure(CamelContext context) throws Exception {
        // the values themselves were checked before Camel Main configured anything (BridgeMain, PropertyChecks)
        BridgeSettings settings = new BridgeSettings(context);
        Path data = Path.of(settings.text("bridge.data"));
        // the JVM's and Vert.x's (the management server's) temporary files: anywhere audit, an unwritable or missing
        // one stopped the start with a 45-line stack trace and "AccessDeniedException: /nonexistent"
        requireTemporaryFolder(Path.of(System.getProperty("java.io.tmpdir")));
        requireFileDescriptors(OpenFiles.limit());
        warnOfFileNameEncoding(System.getProperty("sun.jnu.encoding", "UTF-8"));
        Path inbox = Path.of(settings.text("bridge.inbox"));
        requireFolder("bridge.inbox", inbox);
        // the folders the bridge itself reads from, where they exist already
        for (Api api : Api.values()) {
            requireWritable("bridge.inbox", inbox.resolve(api.id()));
        }
        Path outbox = Path.of(settings.text("bridge.outbox"));
        requireFolder("bridge.outbox", outbox, folder -> true);
        // an outbox that cannot be written is no reason to stop: results wait in the job store, as they do when it
        // turns read-only or full under a running bridge (crash audit: a restart on a read-only outbox stopped the
        // start, and with it the broker, the JMS results and every poll of the runs already paid for)
        resultFolders(outbox).stream()
                .map(folder -> unwritable("bridge.outbox", folder, Files::isWritable))
                .flatMap(Optional::stream)
                .findFirst()
                .ifPresent(problem -> LOG.warn(
                        "{}; results wait in the job store until it can be (readiness check outbox is DOWN once one is"
                                + " refused)",
                        problem));
        requireRoomForResults(outbox);
        requireApart(inbox, outbox);
        requireDataApart(data, inbox, outbox);
        // lifecycle audit: a regular file there was told to "chmod 700 it" and to give the user write access
        requireFolder("bridge.data", data);
        context.addService(new ClosingService(DataFolderLock.acquire(data)));
        UnknownSettings.warn(context);
        boolean jms = settings.flag("bridge.jms.enabled");
        context.addStartupListener(new RouteWiring(
                jms ? Set.of() : Set.of(JmsConfiguration.DELIVERY_ENDPOINT),
                jms ? settings.text("bridge.jms.requests") : null,
                ReplacedRoutes.watch(context)));
        ManagementHttpServer management = context.hasService(ManagementHttpServer.class);
        if (management != null) {
            FreePort.require(
                    "management server",
                    management.getHost(),
                    management.getPort(),
                    MANAGEMENT_PORT_KEY,
                    "camel.management.host");
        }
        context.addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext started, boolean alreadyStarted) throws Exception {
                // called before the route consumers start; the management server has started by then
                if (management != null && ManagementAddress.boundPort(started).isEmpty()) {
                    throw new StartupFailure(FreePort.cannotListen(
                                    "management server",
                                    Urls.hostPort(management.getHost(), management.getPort()),
                                    "bind failed",
                                    MANAGEMENT_PORT_KEY))
                            .during(started, alreadyStarted);
                }
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext started, boolean alreadyStarted) throws Exception {
                // a SIGTERM during the start stops the process once it has started: no "is running" then (operations
                // audit: the banner came after Camel's "Shutting down" line)
                if (!JvmShutdown.underWay()) {
                    LOG.info(StartupBanner.text(started));
                }
            }
        });
    }

    /**
     * The inbox and the outbox must be folders, or not exist yet below a folder (they are made when first used): Camel's
     * file consumer only warns about an inbox it cannot make, and the bridge would run, healthy, and never take a file
     * (black-box audit: bridge.inbox naming a regular file).
     */
    static void requireFolder(String key, Path path) {
        requireFolder(key, path, Files::isWritable);
    }

    /**
     * As {@link #requireFolder(String, Path)}, and the folder (or the one it will be made in) must pass {@code
     * writable}: files are moved out of the inbox into {@code .done/}, and Camel's file consumer only warns at each
     * poll, with health UP (operations audit: a read-only inbox, and one owned by another user). The outbox is
     * checked with a test that always passes: its results wait while it cannot be written.
     */
    static void requireFolder(String key, Path path, Predicate<Path> writable) {
        Path absolute = path.toAbsolutePath().normalize();
        Path existing = nearestExisting(absolute);
        if (existing != null && !Files.isDirectory(existing)) {
            throw new StartupFailure("property " + key + " must name a folder, but "
                    + (existing.equals(absolute) ? absolute + " is" : existing + ", above " + absolute + ", is")
                    + " not one" + danglingLink(existing));
        }
        requireWritable(key, absolute, existing, writable);
    }

    /** A folder that exists, or the one it will be made in, must be writable by this process's user. */
    static void requireWritable(String key, Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        requireWritable(key, absolute, nearestExisting(absolute), Files::isWritable);
    }

    private static void requireWritable(String key, Path absolute, Path existing, Predicate<Path> writable) {
        Optional<String> problem = unwritable(key, absolute, existing, writable);
        if (problem.isPresent()) {
            throw new StartupFailure(problem.get());
        }
    }

    /** What stands in the way of writing to a folder, or the one it will be made in, if anything does. */
    static Optional<String> unwritable(String key, Path path, Predicate<Path> writable) {
        Path absolute = path.toAbsolutePath().normalize();
        return unwritable(key, absolute, nearestExisting(absolute), writable);
    }

    private static Optional<String> unwritable(String key, Path absolute, Path existing, Predicate<Path> writable) {
        if (existing == null || !Files.isDirectory(existing) || writable.test(existing)) {
            return Optional.empty();
        }
        return Optional.of("property " + key + ": "
                + (existing.equals(absolute) ? absolute : existing + ", where " + absolute + " is to be made,")
                + " cannot be written by this process's user (" + ProcessUser.shown()
                + "), or lies on a read-only file system: give the user write access to it");
    }

    /** The folders results are written to: the outbox, each API's, and failed/ with each API's (ResultHeaders). */
    static List<Path> resultFolders(Path outbox) {
        List<Path> folders = new ArrayList<>(List.of(outbox, outbox.resolve("failed")));
        for (Api api : Api.values()) {
            folders.add(outbox.resolve(api.id()));
            folders.add(outbox.resolve("failed").resolve(api.id()));
        }
        return folders;
    }

    /**
     * How many files and sockets the bridge holds open at rest (the jar, the store, the broker, the management server,
     * pooled connections): about 80 measured, more in a burst (one per inbox file read and call out).
     */
    static final long MIN_FILE_DESCRIPTORS = 128;

    static final long ADVISED_FILE_DESCRIPTORS = 1024;

    /**
     * A process not relaunched (BRIDGE_LAUNCHER=in-process, JVM options of its own) under a locale without UTF-8 reads
     * file names in another encoding: inbox files with other characters wait, each with a warning of its own, and a
     * folder setting with them is refused for a "?" its user never typed (locale audit: nothing said so at start).
     */
    static void warnOfFileNameEncoding(String encoding) {
        if (!encoding.equalsIgnoreCase("UTF-8")) {
            LOG.warn(
                    "File names are read as {} under this locale (sun.jnu.encoding): inbox files and folders whose"
                            + " names have other characters cannot be read; start the bridge with LANG=C.UTF-8",
                    encoding);
        }
    }

    /**
     * Below {@value #MIN_FILE_DESCRIPTORS} open files the start stops, below {@value #ADVISED_FILE_DESCRIPTORS} it warns
     * (constrained-host audit: at {@code ulimit -n 64} the broker's client failed deep in a stack trace and the process
     * ran half-started, health DOWN; at 72 valid inbox files were refused as unreadable). A negative count is unknown.
     */
    static void requireFileDescriptors(long max) {
        if (max < 0 || max >= ADVISED_FILE_DESCRIPTORS) {
            return;
        }
        String said = "this process may open at most " + max + " files and sockets (ulimit -n); the bridge holds about"
                + " 80 at rest, and one more for each inbox file it reads and each call out";
        if (max < MIN_FILE_DESCRIPTORS) {
            throw new StartupFailure(said + ": start it with ulimit -n " + ADVISED_FILE_DESCRIPTORS + " or more");
        }
        LOG.warn(
                "{}: a burst may run out (Too many open files); {} or more is advised", said, ADVISED_FILE_DESCRIPTORS);
    }

    /** Unlike the inbox and outbox, nothing makes the temporary folder: it must be a writable folder already. */
    static void requireTemporaryFolder(Path tmp) {
        requireFolder("java.io.tmpdir", tmp);
        if (!Files.isDirectory(tmp)) {
            throw new StartupFailure("property java.io.tmpdir: " + tmp.toAbsolutePath() + " does not exist; the JVM"
                    + " and the management server keep temporary files there: make it, or name another with"
                    + " -Djava.io.tmpdir");
        }
    }

    /** The longest path a file may have on Linux (PATH_MAX), in bytes. */
    static final int MAX_PATH_BYTES = 4096;
    /**
     * The most a result adds below the outbox: {@code failed/}, an inbox folder's name, the request's name (at most
     * {@link InboxFileFilter#MAX_NAME_BYTES}), a job-id suffix (with a number when that name is another file
     * too) and the temporary name's dot and {@code .part}.
     */
    static final int RESULT_PATH_BYTES = 8 + 256 + InboxFileFilter.MAX_NAME_BYTES + 37 + 2 + 6;

    /**
     * The outbox must leave room below it for every result's path: a result that cannot be named is written again
     * until delivery gives up, after its run was paid for (anywhere audit: an outbox 3,893 bytes deep).
     */
    static void requireRoomForResults(Path outbox) {
        int bytes = outbox.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8).length;
        if (bytes + RESULT_PATH_BYTES > MAX_PATH_BYTES) {
            throw new StartupFailure("property bridge.outbox: its path is " + bytes
                    + " bytes long, and a result may add"
                    + " " + RESULT_PATH_BYTES + " below it, past the " + MAX_PATH_BYTES + " bytes a path may have:"
                    + " give a shorter one");
        }
    }

    /** The path itself if it exists, else the nearest folder above it that does (null: none). */
    /** What a link that leads nowhere points at (storecorrupt audit: "is not one" left the missing target unsaid). */
    private static String danglingLink(Path path) {
        if (!Files.isSymbolicLink(path) || Files.exists(path)) {
            return "";
        }
        try {
            return ": it is a symbolic link to " + Files.readSymbolicLink(path) + ", which does not exist";
        } catch (IOException e) {
            return ": it is a symbolic link whose target does not exist";
        }
    }

    private static Path nearestExisting(Path absolute) {
        Path existing = absolute;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        return existing;
    }

    /**
     * The outbox must lie outside the inbox, and the inbox outside the folders results are written to: a result written
     * where the inbox reads is taken as a request (third black-box audit: with both the same folder each result was
     * taken in as a repeat and moved to .done/; configuration audit: an inbox of out/failed took each failed result in
     * and failed it again, 12 files in 30 s, and an inbox of out/openprospect moved a succeeded result to .failed/).
     * Folders are compared as the file system resolves them, links followed: an inbox that is a link to the outbox is
     * the outbox.
     */
    static void requireApart(Path inbox, Path outbox) {
        Path in = resolved(inbox);
        Path out = resolved(outbox);
        if (out.startsWith(in)) {
            throw new StartupFailure("property bridge.outbox must be a folder outside bridge.inbox, but " + out
                    + (out.equals(in) ? " is the inbox" : " is inside the inbox " + in)
                    + ": results written there would be taken as requests");
        }
        for (Path results : foldersBelow(out)) {
            if (in.startsWith(results)) {
                throw new StartupFailure("property bridge.inbox must lie outside the folders results are written to,"
                        + " but " + in + " is " + (in.equals(results) ? "" : "inside ") + results
                        + ": results written there would be taken as requests");
            }
        }
    }

    /**
     * The data folder is made the owner's alone and holds the store and the broker's passwords: inside the inbox or
     * the outbox, it took their group's rights away and laid those files in an exchange folder (configuration audit).
     */
    static void requireDataApart(Path data, Path inbox, Path outbox) {
        Path folder = resolved(data);
        Path out = resolved(outbox);
        // a folder of its own beside the results (outbox/.state) is no result folder and stays the owner's (review)
        List<Path> shared = new ArrayList<>(List.of(resolved(inbox)));
        shared.addAll(foldersBelow(out));
        for (Path exchange : shared) {
            if (folder.startsWith(exchange)) {
                throw new StartupFailure("property bridge.data must be a folder outside bridge.inbox and the folders"
                        + " results are written to, but " + folder + " is " + (folder.equals(exchange) ? "" : "inside ")
                        + exchange + ": the job store and the broker's passwords would lie in a folder others share");
            }
        }
        if (folder.equals(out)) {
            throw new StartupFailure("property bridge.data must be another folder than bridge.outbox (" + out + "): the"
                    + " job store and the broker's passwords would lie among the results");
        }
        // the other way round, the owner-only data folder would shut others out of the exchange folders (re-check
        // audit)
        for (Path exchange : List.of(resolved(inbox), out)) {
            if (exchange.startsWith(folder)) {
                throw new StartupFailure("property bridge.data (" + folder + ") must not hold " + exchange + ": it is"
                        + " made the owner's alone, and those who drop requests or read results could not reach it");
            }
        }
    }

    /** The folders results are written to below the outbox itself: {@code failed/} and each API's. */
    private static List<Path> foldersBelow(Path outbox) {
        List<Path> folders = resultFolders(outbox);
        return folders.subList(1, folders.size());
    }

    /** The path as the file system resolves it: its nearest existing folder's real path, links followed. */
    static Path resolved(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        Path existing = nearestExisting(absolute);
        if (existing == null) {
            return absolute;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(absolute));
        } catch (IOException e) {
            return absolute;
        }
    }
}
