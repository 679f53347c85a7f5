package io.profilebridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data folder's start-up check: a file in it that this process's user cannot write stops the start naming the
 * file and the remedy, except a class-data-sharing archive (read-only by the JVM's making, only ever read). CI runs
 * as root, who may write anywhere, so the writability rule is given here: "not the files named *-theirs".
 */
class DataFolderTest {

    private static final Predicate<Path> NOT_THEIRS =
            path -> !path.getFileName().toString().endsWith("-theirs");

    @TempDir
    Path data;

    @Test
    void aFileOfTheDataFolderThisUserCannotWriteStopsTheStartNamingItAndTheRemedy() throws Exception {
        Files.createDirectories(data.resolve("broker/journal"));
        Files.writeString(data.resolve("broker/journal/activemq-data-1.amq-theirs"), "x");

        assertThatThrownBy(() -> DataFolder.refuseUnwritable(data, NOT_THEIRS))
                .isInstanceOf(StartupFailure.class)
                .hasMessageContaining(data.resolve("broker/journal/activemq-data-1.amq-theirs")
                        .toString())
                .hasMessageContaining("cannot be written by this process's user")
                .hasMessageContaining("chown -R");
    }

    @Test
    void aClassDataSharingArchiveAndTheFolderOtherwiseWritablePass() throws Exception {
        Files.writeString(data.resolve("jobstore.mv.db"), "x");
        Path archive = Files.writeString(data.resolve("profile-bridge.jsa"), "x");

        assertThatCode(() -> DataFolder.refuseUnwritable(data, path -> !path.equals(archive)))
                .doesNotThrowAnyException();
        assertThatCode(() -> DataFolder.refuseUnwritable(data, NOT_THEIRS)).doesNotThrowAnyException();
    }

    /**
     * OpenShift audit: made owner-only too, a missing shared parent of the inbox and the outbox ({@code vol/pb/data}
     * with {@code vol/pb/inbox}) shut out the group that drops requests and reads results.
     */
    @Test
    void theFoldersMadeAboveAMissingDataFolderAreMadeAsAnyOther() throws Exception {
        Path made = DataFolder.prepare(data.resolve("vol/pb/data"));
        Path probe = Files.createDirectory(data.resolve("probe"));
        assertThat(Files.getPosixFilePermissions(made)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(Files.getPosixFilePermissions(data.resolve("vol/pb")))
                .as("the umask's folder, as any other")
                .isEqualTo(Files.getPosixFilePermissions(probe))
                .isNotEqualTo(PosixFilePermissions.fromString("rwx------"));
    }
}
