package io.profilebridge.intake;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InboxFileTest {

    /**
     * The process short of its own resources may read the file later; a file it may not read, or a disk that fails
     * it, stays unreadable. Refused as unreadable at {@code ulimit -n 72}, valid requests got a failed result, then a
     * second one (constrained-host audit).
     */
    @Test
    void aReadRefusedForWantOfTheProcesssOwnResourcesIsTriedAgainLater() {
        assertThat(InboxFile.passes("Too many open files")).isTrue();
        assertThat(InboxFile.passes("Too many open files in system")).isTrue();
        assertThat(InboxFile.passes("Cannot allocate memory")).isTrue();
        assertThat(InboxFile.passes("Stale file handle")).isTrue();

        assertThat(InboxFile.passes("Permission denied")).isFalse();
        assertThat(InboxFile.passes("Input/output error")).isFalse();
        assertThat(InboxFile.passes("Too many levels of symbolic links")).isFalse();
        assertThat(InboxFile.passes(null)).isFalse();
    }
}
