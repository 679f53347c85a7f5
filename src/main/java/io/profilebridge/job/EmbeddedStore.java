package io.profilebridge.job;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.SQLExceptionOverride;
import io.profilebridge.StartupFailure;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default store: an H2 file in the data folder, guarded against what copies, restores and crashes leave there.
 * <ul>
 *   <li>A store that is missing, empty or older than the newest job the folder's {@link StoreNote} records is
 *       refused, naming the file and the way out, instead of started without its jobs.
 *   <li>A schema migration is all or nothing. Flyway runs each H2 script without a transaction, so a crash half-way
 *       left a store no later start could migrate. The store is copied first ({@value #BEFORE_MIGRATION}) and the
 *       copy put back when the migration fails, or at the next start when the process died during it.
 * </ul>
 */
public final class EmbeddedStore {

    public static final String FILE = "jobstore.mv.db";
    /** The store as it was before a migration under way; empty when there was no store yet. */
    static final String BEFORE_MIGRATION = "jobstore.before-migration";

    private static final String H2 = "jdbc:h2:";

    /** The H2 URLs that name no file of this machine: every other H2 URL names one ({@code jdbc:h2:./x}, nio:...). */
    private static final List<String> NOT_A_FILE = List.of("mem:", "tcp:", "ssl:");

    /** An H2 file system's prefix: a word of two letters or more, then a colon (one letter is a Windows drive). */
    private static final Pattern FILE_SYSTEM_PREFIX = Pattern.compile("[a-zA-Z]{2,}:");

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStore.class);

    private final Path data;
    private final Path file;
    private final Path beforeMigration;
    private final StoreNote note;
    private final SQLExceptionOverride exceptions;

    public EmbeddedStore(Path data, StoreNote note) {
        this(data, note, null);
    }

    /** @param exceptions sees every SQLException of the store's pool (null: none) */
    public EmbeddedStore(Path data, StoreNote note, SQLExceptionOverride exceptions) {
        this.exceptions = exceptions;
        this.data = data.toAbsolutePath();
        this.file = this.data.resolve(FILE);
        this.beforeMigration = this.data.resolve(BEFORE_MIGRATION);
        this.note = note;
    }

    /**
     * What a {@code bridge.store.url} naming an H2 file of its own goes without: this class's guards are the data
     * folder's store's (lifecycle audit: an older copy of the store, started through such a URL, delivered 15 results
     * a second time). Empty for any other URL: PostgreSQL, and H2 in memory or on a server.
     */
    public static Optional<String> unguarded(String url) {
        return h2File(url)
                .map(file -> "bridge.store.url names an H2 file of its own: it runs without the embedded store's"
                        + " guards (the note that refuses an older copy of the store, the copy kept while its schema is"
                        + " brought up to date, the watch for the file's removal); leave bridge.store.url empty for the"
                        + " data folder's store, or use PostgreSQL");
    }

    /** Whether {@code url} names this data folder's own store file, relative to the working directory as H2 reads it. */
    public static boolean isStoreIn(String url, Path data) {
        return h2File(url)
                .map(file -> {
                    try {
                        return Path.of(file)
                                .toAbsolutePath()
                                .normalize()
                                .equals(data.toAbsolutePath().normalize().resolve("jobstore"));
                    } catch (InvalidPathException e) {
                        return false;
                    }
                })
                .orElse(false);
    }

    /**
     * The file an H2 URL names, as H2 reads it: its path up to the settings, after any file-system prefixes ({@code
     * file:}, {@code nio:}, {@code split:...}), {@code ~} as the home folder. Empty for PostgreSQL, and H2 in memory or
     * on a server.
     */
    private static Optional<String> h2File(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (!lower.startsWith(H2) || NOT_A_FILE.stream().anyMatch(kind -> lower.startsWith(H2 + kind))) {
            return Optional.empty();
        }
        String path = url.substring(H2.length());
        int settings = path.indexOf(';');
        path = settings < 0 ? path : path.substring(0, settings);
        while (FILE_SYSTEM_PREFIX.matcher(path).lookingAt()) {
            path = path.substring(path.indexOf(':') + 1);
        }
        return Optional.of(path.startsWith("~") ? System.getProperty("user.home") + path.substring(1) : path);
    }

    /** The connection pool on the store, its schema up to date and its jobs checked against the note. */
    public HikariDataSource open(int poolSize) throws IOException {
        undoInterruptedMigration();
        boolean noted = note.exists();
        boolean stored = Files.exists(file) && Files.size(file) > 0;
        Optional<Path> dump = removedStoreDump();
        if (!stored) {
            if (noted || dump.isPresent()) {
                throw storeMissing(null, dump); // before H2 would create a new, empty store in its place
            }
        } else if (dump.isPresent()
                && Files.getLastModifiedTime(file).compareTo(Files.getLastModifiedTime(dump.get())) <= 0) {
            throw storeOlderThanDump(dump.get());
        }
        String url = JobStoreDataSource.defaultUrl(data);
        HikariDataSource dataSource = null;
        try {
            if (stored) {
                refuseIfShort(url);
                dataSource = JobStoreDataSource.pool(url, "", "", poolSize, exceptions);
                if (!upToDate(dataSource)) {
                    dataSource.close(); // H2 closes the file with its last connection, so the copy is consistent
                    dataSource = null;
                }
            }
            if (dataSource == null) {
                dataSource = migrated(url, poolSize, noted);
            }
        } catch (StartupFailure e) {
            closeQuietly(dataSource);
            throw e;
        } catch (SQLException | RuntimeException e) {
            closeQuietly(dataSource);
            if (e instanceof JobStoreSchema.StoreMissingException
                    || e.getCause() instanceof JobStoreSchema.StoreMissingException) {
                throw storeMissing(e, Optional.empty());
            }
            String cause = StartupFailure.describe(e);
            // storecorrupt audit: a store another process held open was told as damaged or not writable
            String hint = cause.contains("The file is locked")
                    ? "Another process has it open (a bridge whose bridge.store.url names this file, or one started on"
                            + " this data folder after its .lock was removed): stop that one, or give this one a"
                            + " bridge.data of its own"
                    : "If it is damaged, restore it from a backup (H2's Recover tool may save part of it: run it under"
                            + " umask 077, as its files hold the requests); if it is not writable, give the bridge's user"
                            + " write access to bridge.data";
            throw new StartupFailure("the job store " + file + " cannot be opened (" + cause + "). " + hint, e);
        }
        try {
            note.write();
        } catch (IOException e) {
            // the system's "No space left on device" names no file (resources audit: the start ended with that alone)
            dataSource.close();
            throw new StartupFailure(
                    "the job store's note " + note.file() + " cannot be written (" + StartupFailure.describe(e)
                            + "): give bridge.data room, and its user write access",
                    e);
        }
        return dataSource;
    }

    private StartupFailure storeMissing(Exception cause, Optional<Path> dump) {
        if (dump.isPresent()) {
            return new StartupFailure(
                    "the job store " + file + " is missing, and " + dump.get() + " holds what it had when it was"
                            + " removed under the running bridge. Put it back with H2's RunScript tool (README, \"A"
                            + " store file removed while running\") and start again; to start with an empty store"
                            + " instead (its pending jobs are lost), move the dump out of " + data
                            + (note.exists() ? " and remove " + note.file() : "") + " and start again",
                    cause);
        }
        return new StartupFailure(
                "the job store " + file + " is empty or missing, although this folder had one (" + StoreNote.FILE
                        + "): it was emptied, replaced or removed. Restore it from a backup; to start with an empty"
                        + " store instead (its pending jobs are lost), remove " + note.file() + " and start again",
                cause);
    }

    /**
     * The store file was last written before the dump of a store removed or replaced under the running bridge: it is
     * the file put in the removed one's place, not the store made again from the dump (RunScript writes it after),
     * maybe an older copy (storecorrupt audit: a backup moved over the running store's file was taken at the next
     * start, and four results already delivered were read and delivered again).
     */
    private StartupFailure storeOlderThanDump(Path dump) {
        return new StartupFailure(
                "the job store " + file + " was last written before " + dump + ", which holds what the store had when"
                        + " its file was removed or replaced under the running bridge: the file there now may be an"
                        + " older copy, whose jobs already answered would be worked and delivered again. Move " + file
                        + " out of " + data + ", put the dump back with H2's RunScript tool (README, \"A store file"
                        + " removed while running\") and start again; to keep the store that is there, move the dump"
                        + " out of " + data + " and start again");
    }

    /**
     * The newest dump of a store removed under the running bridge ({@link StoreFileWatch}): with the whole data folder
     * removed, the note went with it, and the next start, by a supervisor's restart, began on an empty store while the
     * dump lay beside it (fsedges audit).
     */
    private Optional<Path> removedStoreDump() throws IOException {
        if (!Files.isDirectory(data)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(data)) {
            return files.filter(path -> {
                        String name = path.getFileName().toString();
                        return name.startsWith(StoreFileWatch.DUMP_PREFIX) && name.endsWith(".sql");
                    })
                    .max(Comparator.comparing(Path::getFileName));
        }
    }

    /** Copies the store, migrates it, and puts the copy back if that fails. */
    private HikariDataSource migrated(String url, int poolSize, boolean mustExist) throws IOException, SQLException {
        keepBeforeMigration();
        HikariDataSource dataSource = null;
        try {
            dataSource = JobStoreDataSource.pool(url, "", "", poolSize, exceptions);
            JobStoreSchema.migrate(url, "", "", mustExist);
            // H2 writes commits to the file in the background: the migration is on disk before its copy goes (a kill
            // right after Flyway finished left a table of the last script without its history line)
            try (Connection c = dataSource.getConnection()) {
                StoreEngine.H2.afterCommit(c, true);
            }
        } catch (SQLException | RuntimeException e) {
            closeQuietly(dataSource);
            putBackBeforeMigration();
            throw e;
        }
        Files.delete(beforeMigration);
        return dataSource;
    }

    private static boolean upToDate(HikariDataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return JobStoreSchema.isUpToDate(c);
        }
    }

    /** The copy is complete and on disk before its name says it is there: a crash while copying leaves no copy. */
    private void keepBeforeMigration() throws IOException {
        Path partial = data.resolve(BEFORE_MIGRATION + ".partial");
        if (Files.exists(file)) {
            Files.copy(file, partial, StandardCopyOption.REPLACE_EXISTING);
        } else {
            Files.write(partial, new byte[0]);
        }
        try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(partial, beforeMigration, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private void undoInterruptedMigration() throws IOException {
        Files.deleteIfExists(data.resolve(BEFORE_MIGRATION + ".partial"));
        if (Files.exists(beforeMigration)) {
            if (Files.size(beforeMigration) == 0) {
                // a first start stopped while making the store (a bad setting found meanwhile, a kill): nothing of
                // any job was in it (lifecycle audit: the warning below read as an upgrade undone)
                LOG.info("An earlier first start stopped while it made the job store {}; it is made afresh", file);
            } else {
                LOG.warn(
                        "An earlier start stopped while it brought the job store {} to a new schema; the store is put"
                                + " back as it was before, and brought up to date again",
                        file);
            }
            putBackBeforeMigration();
        }
    }

    private void putBackBeforeMigration() throws IOException {
        if (Files.size(beforeMigration) == 0) {
            // there was no store before: what the migration made goes, and the next one starts afresh
            Files.deleteIfExists(file);
            Files.delete(beforeMigration);
        } else {
            Files.move(beforeMigration, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /**
     * A store H2 opens at an older version than the folder's note saw (a truncated copy) is refused. It is read
     * read-only, so a refused store is left byte for byte as it was found: H2 opening it for writing would drop the
     * unreadable tail that its Recover tool might still use, and a migration would change an older copy.
     */
    private void refuseIfShort(String url) throws SQLException {
        OptionalLong recorded = note.recordedNewest();
        OptionalLong stored;
        try (Connection readOnly = DriverManager.getConnection(url + ";ACCESS_MODE_DATA=r", "", "")) {
            stored = newestJob(readOnly);
        }
        if (recorded.isPresent() && (stored.isEmpty() || stored.getAsLong() < recorded.getAsLong())) {
            throw new StartupFailure("the job store " + file + " holds "
                    + (stored.isEmpty() ? "no jobs" : "jobs created up to " + Instant.ofEpochMilli(stored.getAsLong()))
                    + ", but it held one created at " + Instant.ofEpochMilli(recorded.getAsLong()) + " ("
                    + note.file() + "): it was cut short or replaced by an older copy, and the requests since would"
                    + " never be answered. Restore the newest copy from a backup; to run on this one on purpose,"
                    + " remove " + note.file() + " and start again");
        }
        stored.ifPresent(note::saw);
    }

    private static OptionalLong newestJob(Connection c) throws SQLException {
        if (!JobStoreSchema.tableExists(c, "bridge_job")) {
            return OptionalLong.empty();
        }
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT MAX(created_at) FROM bridge_job")) {
            rs.next();
            long newest = rs.getLong(1);
            return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(newest);
        }
    }

    private static void closeQuietly(HikariDataSource dataSource) {
        if (dataSource != null) {
            dataSource.close();
        }
    }
}
