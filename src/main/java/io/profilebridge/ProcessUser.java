package io.profilebridge;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * This process's user, as the file system knows it. A user id with no entry in the system's user list (OpenShift's
 * random ids, systemd's DynamicUser) has Java name the user "?" and its home "?": the class archive's folder, checked
 * by its owner's name, was never used, and a refused start named the user "?" (OpenShift audit).
 */
final class ProcessUser {

    private static final String UNKNOWN = "?";

    private ProcessUser() {}

    /** The user's id (the owner of this process's /proc entry); empty where there is no /proc or no unix view. */
    static OptionalInt uid() {
        try {
            return OptionalInt.of((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | RuntimeException e) {
            return OptionalInt.empty();
        }
    }

    /** Whether this process's user owns the file (by id; by name where ids cannot be read). */
    static boolean owns(Path file) throws IOException {
        OptionalInt uid = uid();
        if (uid.isPresent()) {
            try {
                return (Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS) == uid.getAsInt();
            } catch (UnsupportedOperationException | IllegalArgumentException noUnixView) {
                // by name below
            }
        }
        return Files.getOwner(file, LinkOption.NOFOLLOW_LINKS).getName().equals(System.getProperty("user.name"));
    }

    /** The user as a line names it: its name, or its id when the system has no name for it. */
    static String shown() {
        String name = System.getProperty("user.name", UNKNOWN);
        if (!name.equals(UNKNOWN)) {
            return name;
        }
        OptionalInt uid = uid();
        return uid.isPresent() ? "uid " + uid.getAsInt() + ", which has no user name" : UNKNOWN;
    }
}
