package io.profilebridge.operations;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * {@code inbox}: DOWN while a folder of the inbox gives no file (it, or its {@code .done} or {@code .failed}, is a
 * symbolic link), naming the folders and why; UP once their files are taken again. Readiness only: the files wait
 * where they are, and a restart changes nothing.
 */
public final class InboxFoldersHealthCheck extends ReadinessCheck {

    private final Supplier<Map<Path, String>> foldersGivingNoFile;

    public InboxFoldersHealthCheck(Supplier<Map<Path, String>> foldersGivingNoFile) {
        super("inbox");
        this.foldersGivingNoFile = foldersGivingNoFile;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Map<Path, String> refused = foldersGivingNoFile.get();
        if (refused.isEmpty()) {
            builder.up();
            return;
        }
        builder.down()
                .message(refused.entrySet().stream()
                        .map(folder -> "inbox folder " + folder.getKey() + " gives no file: " + folder.getValue())
                        .collect(Collectors.joining("; ")))
                .detail("folders", refused.size());
    }
}
