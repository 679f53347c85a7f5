package io.profilebridge;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;

/** The process's open files (file descriptors) as the JVM sees them; unknown off Unix. */
public final class OpenFiles {

    /** How close to its limit the process's open files count as at it: others may have closed some meanwhile. */
    static final long MARGIN = 16;

    private OpenFiles() {}

    /** How many files and sockets this process may open ({@code ulimit -n}); -1 when unknown. */
    public static long limit() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
                ? unix.getMaxFileDescriptorCount()
                : -1;
    }

    /**
     * How many files and sockets this process holds open; -1 when unknown: off Unix, or when they cannot be counted,
     * as at the limit (counting them opens one more).
     */
    static long open() {
        if (!(ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix)) {
            return -1;
        }
        try {
            return unix.getOpenFileDescriptorCount();
        } catch (InternalError e) {
            // what the JDK throws when it cannot open /proc/self/fd to count them: "errno: 24" at the limit (measured)
            return -1;
        }
    }

    /** Whether the process holds about as many open files as it may. */
    public static boolean atLimit() {
        return atLimit(open(), limit(), MARGIN);
    }

    /**
     * Whether {@code open} of {@code limit} files is about all: an uncounted number is when the limit is known (the
     * count failed for want of a descriptor: scarce-resources audit, the watch of them was silent at the limit).
     */
    static boolean atLimit(long open, long limit, long margin) {
        return limit >= 0 && (open < 0 || open >= limit - margin);
    }
}
