package io.profilebridge.intake;

/**
 * An inbox file that cannot be read as a regular file: no permission, gone, or a link or special file swapped in
 * after it was listed. Its message names the cause, never the file's content.
 */
public class UnreadableRequestException extends Exception {

    public UnreadableRequestException(String message, Throwable cause) {
        super(message, cause);
    }
}
