package io.profilebridge.delivery;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.profilebridge.ErrorText;
import io.profilebridge.FolderMaker;
import io.profilebridge.Json;
import io.profilebridge.ReportedOnce;
import io.profilebridge.job.DeliveryPermission;
import io.profilebridge.job.OutboxBlocked;
import io.profilebridge.job.OutboxFolderLink;
import io.profilebridge.job.ResultDocument;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.SQLException;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.file.GenericFileOperationFailedException;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two steps around writing a result file (routes/deliver-result.camel.yaml). Before: a result never replaces
 * another request's result. {@code NAME.json} held by another request (same name dropped again with another body
 * while the first result is still there) makes this one {@code NAME.<jobId>.json} (a request rejected at intake
 * has the job id its refusal names). A result of the same request (same API, idempotency key and request: sent
 * again after a crash, or asked for again) replaces its own file; instances that share the outbox see each other's
 * claims ({@link SharedNameClaims}); its folders are made, keeping a setgid bit
 * ({@link FolderMaker}). After: the file and its folder entry are synced
 * to disk, so a job is marked done only once its result is durable.
 */
public class ResultFiles {

    private static final Logger LOG = LoggerFactory.getLogger(ResultFiles.class);
    /**
     * The most another release's rejection of the same request may be longer than this one's: its trace id
     * ({@code "traceId":"<32 hex digits>"}) and the error's wording.
     */
    private static final int MAX_REJECTION_SLACK = 64 + 16 * 1024;
    /** Exchange property: the result file this exchange claimed, released once written or failed. */
    private static final String CLAIMED = "bridgeClaimedResultFile";
    /** Exchange property: the result file this exchange is for, set before any check that may refuse it. */
    private static final String TARGET = "bridgeResultTarget";
    /**
     * The own names a result may take ({@link #ownName}); their number adds at most 2 bytes to a path, and each is
     * looked at for every result (a name earlier in the row may have been taken away since).
     */
    static final int MAX_OWN_NAMES = 9;

    private final Path outbox;
    private final DeliveryRefusals refusals;
    private final FolderMaker folders;
    private final DiskSync disk = new DiskSync();
    /** Result files being written now, by owner (the job's id, or a rejection's): one name, one writer. */
    private final ConcurrentHashMap<Path, String> writing = new ConcurrentHashMap<>();

    private final SharedNameClaims sharedClaims;
    /** The results written under their own name because another request's held theirs, named in the log once. */
    private final ReportedOnce named = new ReportedOnce();

    /**
     * {@code folderMode}: {@code bridge.outbox.folder-mode}, the mode of the outbox folders a result needs made;
     * {@code sharedStore}: the PostgreSQL store of the other instances that write into this outbox too, or null.
     */
    public ResultFiles(Path outbox, DeliveryRefusals refusals, String folderMode, DataSource sharedStore) {
        this.outbox = outbox;
        this.refusals = refusals;
        this.folders = new FolderMaker(folderMode);
        this.sharedClaims = new SharedNameClaims(outbox, sharedStore);
    }

    /** Sets {@link ResultHeaders#RESULT_FILE} to the name this result may be written under. */
    public void claimName(Exchange exchange) {
        Message message = exchange.getMessage();
        String relative = message.getHeader(ResultHeaders.RESULT_FILE, String.class);
        String jobId = message.getHeader(ResultHeaders.JOB_ID, String.class);
        String body = message.getBody(String.class);
        Request request = jobId == null
                ? null
                : new Request(
                        message.getHeader(ResultHeaders.API, String.class),
                        message.getHeader(ResultHeaders.REQUEST_KEY, String.class));
        // the job, not its key: after a takeover two jobs share a key (takeover audit: both passed each other's claim
        // on one name); a job id is unique, and a rejection's (a name-based UUID) never one of a job
        String owner = jobId != null ? jobId : rejectionId(body);
        Path target = outbox.resolve(relative);
        // its folder's refusal counts in the outbox's health even when it comes before a name is claimed (fsedges
        // audit: a result folder made a link kept the check UP while the result waited)
        exchange.setProperty(TARGET, target);
        refuseLinkedFolders(target.getParent());
        // before Camel's file producer would make the folder, and clear its setgid bit (FolderMaker); before a claim
        // is made in it
        folders.make(target.getParent());
        // a result once written under its own name is replaced there: were it written to the free NAME.json (the
        // other request's result taken away meanwhile), the request would have two documents
        String own = ownNameWrittenBefore(relative, owner, request, body);
        if (own == null && !claim(target, owner, request, body)) {
            own = firstFreeOwnName(relative, owner, request, body);
            // once, not at every attempt while the outbox refuses the result (diff review)
            if (named.first(own)) {
                // outbox audit: the file there was a consumer's own marker, not a result
                LOG.info(
                        "{} is another file (another request's result, or a file of someone else's);"
                                + " this result is {}",
                        relative,
                        own);
            }
        }
        if (own != null) {
            relative = own;
            target = outbox.resolve(own);
        }
        message.setHeader(ResultHeaders.RESULT_FILE, relative);
        exchange.setProperty(CLAIMED, target);
        Path claimed = target;
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                sharedClaims.release(claimed, owner);
                writing.remove(claimed, owner);
            }
        });
        removeTemporaryFile(target);
        // last, right before the write: the shared claim above may have taken a round trip to the store
        DeliveryPermission.granted(exchange);
    }

    /**
     * Refuses a result whose folder, or a folder between it and the outbox, is a symbolic link (the outbox itself may be
     * one: the operator's choice, as for the inbox). A link swapped in between this look and the write is not caught.
     */
    private void refuseLinkedFolders(Path folder) {
        Path root = outbox.toAbsolutePath().normalize();
        Path below = folder.toAbsolutePath().normalize();
        if (below.equals(root) || !below.startsWith(root)) {
            return;
        }
        Path at = root;
        for (Path name : root.relativize(below)) {
            at = at.resolve(name);
            if (Files.isSymbolicLink(at)) {
                throw new GenericFileOperationFailedException(
                        "Cannot write the result into " + at, new OutboxFolderLink(at));
            }
        }
    }

    /**
     * Removes what holds the result's temporary name ({@code .NAME.part}, the {@code tempFileName} of
     * routes/deliver-result.camel.yaml) without following it. With {@code fileExist: TryRename} Camel's producer opens
     * an existing temporary file as it finds it: a link planted under that name had the result written, and the
     * result's mode set, on the file it pointed to, outside the outbox (hostile-files audit). Left behind by a crash,
     * it is this process's own unfinished write.
     */
    private static void removeTemporaryFile(Path target) {
        Path temporary = target.resolveSibling("." + target.getFileName() + ".part");
        try {
            Files.deleteIfExists(temporary);
        } catch (IOException e) {
            throw new GenericFileOperationFailedException(
                    "Cannot remove " + temporary + " before the write: " + ErrorText.withRootCause(e), e);
        }
    }

    /**
     * After the write: the result is on disk (content and name) before anyone is told it was delivered. The file synced
     * is the one Camel's producer wrote, the claimed one (another folder or file name stops the start: RouteWiring;
     * before, routes audit: the claimed path, never written, could not be synced, and
     * every result was written again until delivery gave up). The outbox's health follows the claimed folder, as its
     * refusals do.
     */
    public void written(Exchange exchange) {
        Path claimed = exchange.getProperty(CLAIMED, Path.class);
        String produced = exchange.getMessage().getHeader(Exchange.FILE_NAME_PRODUCED, String.class);
        Path file = produced != null ? Path.of(produced) : claimed;
        try {
            disk.sync(file);
        } catch (IOException e) {
            throw new GenericFileOperationFailedException("cannot sync " + file + " to disk: " + e.getMessage(), e);
        }
        refusals.delivered(folderOf(claimed).toString());
    }

    /**
     * The delivery failed (routes/delivery-errors.camel.yaml): when it was a result file, the outbox refused it. A JMS
     * result has its own, the jms-results check ({@link ResultQueues}).
     */
    public void refused(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Path target = exchange.getProperty(TARGET, Path.class);
        if (target != null && cause != null) {
            refusals.refused(folderOf(target).toString(), OutboxBlocked.describe(cause));
        }
        Path file = exchange.getProperty(CLAIMED, Path.class);
        if (file != null && cause != null) {
            // a write cut short (a full disk) leaves its temporary file with the umask's mode, not the results' one,
            // and what was written of the result in it (constrained-host audit: 488 of them, 644, on a full outbox)
            try {
                removeTemporaryFile(file);
            } catch (GenericFileOperationFailedException e) {
                LOG.debug("{}", e.getMessage());
            }
        }
    }

    /**
     * A refused delivery's text for the log line of routes/delivery-errors.camel.yaml: as the job's last error and the
     * outbox check give it, with why the outbox is blocked where the system's text does not say it (recheck audit:
     * java.nio's "Permission denied" names only the file, so the line said "Cannot store file: ..." alone).
     */
    public String describeRefusal(Throwable cause) {
        return OutboxBlocked.describe(cause);
    }

    /** The outbox folder a result file goes to, as the health check names it ({@code orbit}, {@code failed/orbit}). */
    private Path folderOf(Path file) {
        Path folder = outbox.relativize(file).getParent();
        return folder != null ? folder : Path.of(".");
    }

    /**
     * The own name this request's result was written under before, claimed again; null when none is there. Every own
     * name is looked at: one earlier in the row may have been taken away since (re-check audit: the result went to the
     * freed {@code NAME.<id>.json} beside its own {@code NAME.<id>.3.json}, two documents for one request).
     */
    private String ownNameWrittenBefore(String relative, String owner, Request request, String body) {
        for (int n = 1; n <= MAX_OWN_NAMES; n++) {
            String name = ownName(relative, owner, n);
            Path path = outbox.resolve(name);
            if (Files.exists(path, LinkOption.NOFOLLOW_LINKS) && claim(path, owner, request, body)) {
                return name;
            }
        }
        return null;
    }

    /**
     * The first own name no other file holds: {@code NAME.<id>.json} may be another's too (names audit: a request
     * dropped under that very name had its result replaced by this one's, as the rename replaces what it finds).
     */
    private String firstFreeOwnName(String relative, String owner, Request request, String body) {
        for (int n = 1; n <= MAX_OWN_NAMES; n++) {
            String name = ownName(relative, owner, n);
            if (claim(outbox.resolve(name), owner, request, body)) {
                return name;
            }
        }
        throw new GenericFileOperationFailedException("Cannot write the result: " + relative + " and "
                + ownName(relative, owner, 1) + " to " + ownName(relative, owner, MAX_OWN_NAMES)
                + " are other files");
    }

    /** {@code NAME.<id>.json}, then {@code NAME.<id>.2.json}, ...: where a result goes when its name is another's. */
    static String ownName(String relative, String owner, int n) {
        return withSuffix(relative, n == 1 ? owner : owner + "." + n);
    }

    /** Which request a job's result belongs to: one API, one idempotency key, whatever job or store carried it. */
    private record Request(String api, String idempotencyKey) {}

    /** True when this result may be written to {@code target}: nobody else's result is there or on its way. */
    private boolean claim(Path target, String owner, Request request, String body) {
        String holder = writing.putIfAbsent(target, owner);
        if (holder != null && !holder.equals(owner)) {
            return false;
        }
        boolean shared = false;
        boolean granted = false;
        try {
            shared = takeShared(target, owner);
            granted = shared && (!Files.exists(target, LinkOption.NOFOLLOW_LINKS) || belongsTo(target, request, body));
            return granted;
        } finally {
            // a claim not granted, refused or failed (the shared store away), holds the name no longer (review: a
            // failed one held it here for good, and every later request of that name took NAME.<jobId>.json)
            if (!granted) {
                if (shared) {
                    sharedClaims.release(target, owner);
                }
                if (holder == null) {
                    writing.remove(target, owner);
                }
            }
        }
    }

    /** The other instances' claim on the name, when they share the outbox; one that cannot be made is not granted. */
    private boolean takeShared(Path target, String owner) {
        try {
            return sharedClaims.take(target, owner);
        } catch (SQLException e) {
            throw new GenericFileOperationFailedException(
                    "Cannot claim " + target + " in the job store the outbox is shared by: "
                            + ErrorText.withRootCause(e),
                    e);
        }
    }

    /** The existing file is this request's own result: the same API and key, or (no job) the same rejection. */
    private static boolean belongsTo(Path existing, Request request, String body) {
        try {
            BasicFileAttributes attributes =
                    Files.readAttributes(existing, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!attributes.isRegularFile()) {
                return false;
            }
            if (request != null) {
                // a document of this API, key and request is the job's own, whichever job or store wrote it; not the
                // refusal of another request that named the same key, nor the result of a body whose key this one took
                // over (names audit: a failed job's result replaced such a refusal)
                Written written = writtenOf(existing);
                return request.idempotencyKey() != null
                        && written != null
                        && request.equals(written.request())
                        && !ResultDocument.isRejectionId(written.jobId())
                        && Objects.equals(written.body(), Json.parseStored(body).get("request"));
            }
            int ours = body.getBytes(StandardCharsets.UTF_8).length;
            if (attributes.size() > ours + MAX_REJECTION_SLACK) {
                return false;
            }
            try (InputStream in = Files.newInputStream(existing, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
                byte[] theirs = in.readNBytes(ours + MAX_REJECTION_SLACK + 1);
                return ResultDocument.rejectionIdentity(Json.parseStored(new String(theirs, StandardCharsets.UTF_8)))
                        .equals(ResultDocument.rejectionIdentity(Json.parseStored(body)));
            }
        } catch (IOException e) {
            if (unreadableForGood(e)) {
                // not provably ours: keep it
                return false;
            }
            // lowres audit: a result whose sync failed (too many open files) was read for its owner at the retry, the
            // read failed the same way, and the result was written a second time under NAME.<jobId>.json
            throw new GenericFileOperationFailedException(
                    "cannot read " + existing + " to tell whether it is this request's result: "
                            + ErrorText.withRootCause(e),
                    e);
        } catch (RuntimeException unreadable) {
            return false;
        }
    }

    /**
     * Whether an existing file failed to read for what it is (not a JSON document, not ours to read), not for a
     * passing want of the process's (file handles, an I/O error): only the first kind is another's to keep.
     */
    static boolean unreadableForGood(IOException e) {
        return e instanceof JsonProcessingException || e instanceof AccessDeniedException;
    }

    /** What a result document on disk says it answers: its API and key, and the job it is the result of. */
    private record Written(Request request, String jobId, JsonNode body) {}

    /**
     * The top-level {@code api}, {@code idempotencyKey}, {@code request} and {@code jobId} of a result document, read
     * as a stream: what follows the request (an Orbit run's profiles) is skipped, not built.
     */
    private static Written writtenOf(Path result) throws IOException {
        try (InputStream in = Files.newInputStream(result, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
                JsonParser parser = Json.storedParser(in)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String api = null;
            String key = null;
            String jobId = null;
            JsonNode request = null;
            while ((api == null || key == null || jobId == null || request == null)
                    && parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                String text = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                switch (field) {
                    case "api" -> api = text;
                    case "idempotencyKey" -> key = text;
                    case "jobId" -> jobId = text;
                    case "request" -> request = Json.readExact(parser);
                    default -> {}
                }
                parser.skipChildren();
            }
            return new Written(new Request(api, key), jobId, request);
        }
    }

    /** {@code dir/NAME.json} (or {@code .JSON}) with {@code id} becomes {@code dir/NAME.<id>.json}. */
    static String withSuffix(String relative, String id) {
        // the inbox takes NAME.JSON too (its include ignores case), and keeps such an original as NAME.<id>.JSON
        int ending = relative.length() - ".json".length();
        boolean json = ending >= 0 && relative.regionMatches(true, ending, ".json", 0, ".json".length());
        int dot = json ? ending : relative.length();
        return relative.substring(0, dot) + "." + id + relative.substring(dot);
    }

    /**
     * A rejected request's result by its job id, which its content names (the same rejection twice is the same
     * result), as the original kept in {@code .failed/} is (names audit: the result had a hash of its own there).
     */
    private static String rejectionId(String body) {
        return Json.parseStored(body).path("jobId").asText();
    }
}
