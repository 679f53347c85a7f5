package io.profilebridge.intake;

import io.profilebridge.BridgeSettings;
import io.profilebridge.ErrorText;
import io.profilebridge.RouteFiles;
import io.profilebridge.api.Api;
import io.profilebridge.api.ApiCredentials;
import io.profilebridge.api.KeyMask;
import io.profilebridge.job.RequestSource;
import io.profilebridge.orbit.OrbitRequestRules;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code java -jar profile-bridge.jar check FILE|DIR...}: validates request files offline with the same reader
 * and rules the bridge applies before any call, and tells what the valid Orbit requests would cost. Orbit removed
 * its dry run; this is the way to know before spending credits.
 */
public final class CheckCommand {

    private static final Set<String> HELP = Set.of("--help", "-h", "help");

    private final RequestReader reader;
    private final int orbitRunCost;
    private final KeyMask keyMask;
    /** Usage errors and warnings: stderr, as the bridge's own (CLI audit: they came among the verdicts). */
    private final PrintStream errors;

    private final PrintStream out;
    /** The inbox folders the route files make, and the API of each ({@link InboxRouteFolders}). */
    private final Map<String, String> inboxFolders;

    /**
     * {@code keyMask}: a refusal quotes what a file holds, a configured key too, as the bridge's result would not. The
     * inbox folders are those the packaged route files and those in {@code routes/} of the working directory make.
     */
    public CheckCommand(RequestReader reader, int orbitRunCost, KeyMask keyMask, PrintStream out) {
        this(reader, orbitRunCost, keyMask, out, out, InboxRouteFolders.read(Path.of("routes")));
    }

    private CheckCommand(
            RequestReader reader,
            int orbitRunCost,
            KeyMask keyMask,
            PrintStream out,
            PrintStream errors,
            Map<String, String> inboxFolders) {
        this.reader = reader;
        this.orbitRunCost = orbitRunCost;
        this.keyMask = keyMask;
        this.out = out;
        this.errors = errors;
        this.inboxFolders = inboxFolders;
    }

    /**
     * The check as the command line runs it: the bridge's own rules, the size limit the bridge would apply with the
     * same configuration ({@code bridge.request.max-bytes}), Orbit's default run cost.
     */
    public static CheckCommand standalone(BridgeSettings settings) {
        return new CheckCommand(
                new RequestReader(settings.number("bridge.request.max-bytes"), DocumentedRules.INSTANCE),
                OrbitRequestRules.DEFAULT_RUN_COST,
                new KeyMask(ApiCredentials.configured(settings)),
                System.out,
                System.err,
                // the route files a start would load: the jar's folder's routes/ too, or the configured pattern's
                InboxRouteFolders.read(RouteFiles.locations(settings.text("camel.main.routes-include-pattern"))));
    }

    /** Returns the process exit code: 0 when every file is valid, 1 when one is not, 2 on a usage error. */
    public int run(List<String> given) throws IOException {
        // "--" ends the options, as for any command: "check -- --help" checks a file of that name (CLI audit)
        boolean endOfOptions = !given.isEmpty() && given.get(0).equals("--");
        List<String> arguments = endOfOptions ? given.subList(1, given.size()) : given;
        if (arguments.isEmpty() || !endOfOptions && HELP.contains(arguments.get(0))) {
            // help on stdout; asked for nothing, a usage error, on stderr with the bridge's other usage errors
            (arguments.isEmpty() ? errors : out)
                    .println("usage: check FILE|DIR...   (validates request files offline; exits 1 if any is invalid)");
            return arguments.isEmpty() ? 2 : 0;
        }
        String fileNameEncoding = System.getProperty("sun.jnu.encoding", "UTF-8");
        if (!fileNameEncoding.equalsIgnoreCase("UTF-8")) {
            // the bridge itself relaunches with the C.UTF-8 character type (Relaunch), a check cannot: the JVM has
            // read its arguments in this encoding already (anywhere audit: a non-ASCII name ended the check with a
            // stack trace, and a folder's were shown with ? and given another derived key than the bridge's)
            errors.println("check: file names are read as " + fileNameEncoding + " under this locale: a name with other"
                    + " characters cannot be checked, or gets another derived key than the bridge gives it; run the"
                    + " check with LANG=C.UTF-8");
        }
        List<Path> files = new ArrayList<>();
        // files of a named folder's subfolder that is no API's, spelt as the routes read it: the inbox never takes them
        Set<Path> unread = new HashSet<>();
        // CLI audit: a folder it could not read was passed over, "0 files", exit 0: a gate passed what it never read
        Map<Path, IOException> unreadable = new HashMap<>();
        for (String argument : arguments) {
            Path path;
            try {
                path = Path.of(argument);
            } catch (InvalidPathException e) {
                errors.println("check: " + argument + " cannot be named in " + fileNameEncoding + ": " + e.getReason());
                return 2;
            }
            // a path it cannot stat exists all the same: its verdict is unreadable (re-check audit: "no such file")
            if (Files.notExists(path)) {
                errors.println("check: no such file or folder: " + argument);
                return 2;
            }
            for (Path file : requestFiles(path, unreadable)) {
                files.add(file);
                if (!file.equals(path) && !readByARoute(path.relativize(file))) {
                    unread.add(file);
                }
            }
        }
        int valid = 0;
        int orbitRuns = 0;
        for (Path file : files) {
            if (unreadable.containsKey(file)) {
                out.println("INVALID  " + shown(file) + ": unreadable: "
                        + ErrorText.oneLine(String.valueOf(unreadable.get(file)))
                        + (Files.isDirectory(file) ? " (a folder: the requests in it are not checked)" : ""));
                continue;
            }
            if (unread.contains(file)) {
                // the bridge leaves such a file where it is, naming its folder (InboxFileFilter): it is no request
                out.println("INVALID  " + shown(file) + ": folder_unread: its folder "
                        + ErrorText.oneLine(file.getParent().getFileName().toString())
                        + "/ is read by no route; the inbox reads " + readFolders() + ", spelt so");
                continue;
            }
            // the inbox's own rules on the file itself: a link is never followed, a name it cannot carry is left alone
            // (docs-truth audit: check read through a link to /etc/passwd and quoted it, and passed names the bridge
            // leaves where they are)
            String notTaken = file.getFileName().toString().startsWith(".")
                    ? "its name starts with a dot, and the inbox takes no such file (a writer's temporary name)"
                    : InboxFileFilter.refusal(file, file.getFileName().toString());
            if (notTaken != null) {
                out.println("INVALID  " + shown(file) + ": not_taken: the inbox leaves it where it is: "
                        + ErrorText.oneLine(notTaken));
                continue;
            }
            ReadRequest read;
            try {
                long size = Files.size(file);
                read = reader.read(
                        size > reader.maxBytes() ? null : InboxFile.readUpTo(file, reader.maxBytes()),
                        size,
                        apiOfFolder(file),
                        null,
                        RequestSource.file(file.getFileName().toString()));
            } catch (IOException e) {
                // one verdict per file: an unreadable one is named, and the others are still checked
                out.println("INVALID  " + shown(file) + ": unreadable: " + ErrorText.oneLine(String.valueOf(e)));
                continue;
            }
            if (read instanceof ReadRequest.Valid ok) {
                valid++;
                if (ok.api() == Api.ORBIT) {
                    orbitRuns++;
                }
                out.println("OK       " + shown(file) + " (" + ok.api() + ", key "
                        + ErrorText.oneLine(ok.idempotencyKey()) + ")");
            } else {
                ReadRequest.Rejected rejected = (ReadRequest.Rejected) read;
                out.println("INVALID  " + shown(file) + ": " + rejected.error().code() + ": "
                        + ErrorText.oneLine(
                                keyMask.applyToCallerText(rejected.error().message())));
            }
        }
        int invalid = files.size() - valid;
        out.println(files.size() + " files: " + valid + " valid, " + invalid + " invalid; the valid Orbit requests "
                + "would cost up to " + (orbitRuns * orbitRunCost) + " credits (" + orbitRuns + " runs x "
                + orbitRunCost + ", the docs' default cost of a run: an operator may set another; a profileId"
                + " already fully generated is refunded)");
        return invalid == 0 ? 0 : 1;
    }

    /** A file's path in a verdict line: one line whatever its name holds ("one verdict per file"). */
    private static String shown(Path file) {
        return ErrorText.oneLine(file.toString());
    }

    /**
     * A folder is checked like an inbox: its JSON files (named {@code .json} in any case, as the inbox routes' {@code
     * include} reads them), and those of the folders below it, at any depth but for dot-named ones ({@code .done/}, not
     * opened): a folder the inbox does not read is then named, not passed over (agreement audit: {@code
     * inbox/orbit/sub/a.json} and {@code A.JSON} were left out of the listing without a word, and the inbox took the
     * second).
     */
    private static List<Path> requestFiles(Path path, Map<Path, IOException> unreadable) throws IOException {
        if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            return List.of(path);
        }
        List<Path> found = new ArrayList<>();
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path folder, BasicFileAttributes attributes) {
                return !folder.equals(path) && folder.getFileName().toString().startsWith(".")
                        ? FileVisitResult.SKIP_SUBTREE
                        : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                String name = file.getFileName().toString();
                if (name.toLowerCase(Locale.ROOT).endsWith(".json") && !name.startsWith(".")) {
                    found.add(file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                // a folder it may not open is named: it may hold requests the check cannot see; one the inbox passes
                // over (a dot-named one such as .done/), or a file no request (re-check audit: both were named)
                String name =
                        file.getFileName() == null ? "" : file.getFileName().toString();
                boolean request =
                        Files.isDirectory(file) || name.toLowerCase(Locale.ROOT).endsWith(".json");
                if (file.equals(path) || request && !name.startsWith(".")) {
                    unreadableToo(file, e);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path folder, IOException e) {
                if (e != null) {
                    // opened, but its listing failed part way
                    unreadableToo(folder, e);
                }
                return FileVisitResult.CONTINUE;
            }

            /** Named with the others, its verdict "unreadable". */
            private void unreadableToo(Path unread, IOException e) {
                found.add(unread);
                unreadable.put(unread, e);
            }
        });
        found.sort(null);
        return found;
    }

    /**
     * Whether the inbox routes read a file at this path below the folder checked as an inbox: in the folder itself (an
     * envelope), or in one of the folders the routes read, spelt so; not in a folder below one (review: {@code
     * orbit/orbit/a.json} passed).
     */
    private boolean readByARoute(Path relative) {
        return relative.getNameCount() == 1
                || (relative.getNameCount() == 2
                        && inboxFolders.containsKey(relative.getName(0).toString()));
    }

    /** The folders the routes read, as the unread-folder verdict names them. */
    private String readFolders() {
        return inboxFolders.keySet().stream()
                .filter(folder -> !folder.isEmpty())
                .map(folder -> ErrorText.oneLine(folder) + "/")
                .collect(Collectors.joining(", "));
    }

    /**
     * The API a file's folder gives its bare bodies, as the inbox's routes read it (exactly so: {@code Orbit/} is no
     * folder of the inbox, hostile-content audit), or null for an envelope.
     */
    private String apiOfFolder(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        String folder = parent == null || parent.getFileName() == null
                ? ""
                : parent.getFileName().toString();
        String api = inboxFolders.get(folder);
        return api == null || api.isEmpty() ? null : api;
    }
}
