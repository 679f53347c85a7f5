package io.profilebridge;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;

/** The process's open files (file descriptors) as the JVM sees them; unknown off Unix. */
public final class OpenFiles {

    /** How close to its limit the process's open files count as at it: others may have closed some meanwhile. */
    private static final long MARGIN = 16;

    private OpenFiles() {}

    /** How many files and sockets this process may open ({@code ulimit -n}); -1 when unknown. */
    public static long limit() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
                ? unix.getMaxFileDescriptorCount()
                : -1;
    }

    /** Whether the process holds about as many open files as it may. */
    public static boolean atLimit() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
                && unix.getOpenFileDescriptorCount() >= unix.getMaxFileDescriptorCount() - MARGIN;
    }
}
