package io.portcullis.cli;

import java.io.IOException;
import java.net.BindException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * A command that cannot go on, with the one line that says what failed, where and what to do
 * (#21 item 11, #11 item 23). {@link Main} prints that line, and only that line, for this and for
 * any other exception a command lets escape ({@link #line}); the stack trace is printed only when
 * {@code PORTCULLIS_DEBUG=1}, so no user sees a stack trace by default.
 */
final class CliFailure extends RuntimeException {
    private final int code;

    /** A failure of the kind "usage or config error" (exit 2, #12 item 6): a file, store or option the user must fix. */
    CliFailure(String line) {
        this(line, Exit.USAGE);
    }

    CliFailure(String line, int code) {
        super(line, null, false, false);
        this.code = code;
    }

    /** The exit code (#12 item 6). */
    int code() {
        return code;
    }

    /** The one line for {@code e}: its own message for a {@code CliFailure}, else a description naming the path when there is one. */
    static String line(Throwable e) {
        if (e instanceof CliFailure f) {
            return "portcullis: " + f.getMessage();
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root && !(root instanceof FileSystemException)) {
            root = root.getCause();
        }
        return "portcullis: " + describe(root) + debugHint();
    }

    /** A file problem as one line: the path, what is wrong, what to do. */
    static String file(String what, Path path, IOException e) {
        return what + " " + path.toAbsolutePath().normalize() + ": " + reason(e);
    }

    private static String describe(Throwable e) {
        if (e instanceof FileSystemException f && f.getFile() != null) {
            return Path.of(f.getFile()).toAbsolutePath().normalize() + ": " + reason(f);
        }
        if (e instanceof BindException) {
            return "cannot listen: " + oneLine(e.getMessage()) + " (is another process using the port? choose another with --port)";
        }
        String m = e.getMessage();
        return (m == null || m.isBlank() ? e.getClass().getSimpleName() : oneLine(m));
    }

    /** Why a file operation failed, and the fix, in words a user acts on. */
    static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied; make it writable (and readable) by the user running portcullis, or choose another path";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory; check the path";
        }
        if (e instanceof NotDirectoryException
                || (e instanceof FileSystemException f && "Not a directory".equals(f.getReason()))) {
            return "a path component is a file, not a directory; choose another path";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "a file is in the way (expected a directory); move it or choose another path";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return oneLine(f.getReason()).toLowerCase(java.util.Locale.ROOT) + "; choose another path";
        }
        return oneLine(String.valueOf(e.getMessage()));
    }

    private static String oneLine(String s) {
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

    private static String debugHint() {
        return "1".equals(System.getenv("PORTCULLIS_DEBUG")) ? "" : " (PORTCULLIS_DEBUG=1 shows the stack trace)";
    }
}
