package io.portcullis.settings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Reads the files a config is made of. While {@link #from} runs, they are read from a given map
 * instead of the disk: the last approved config is parsed again from the texts kept in the store
 * (#15 item 4: a restart does not bypass a held change). A file the map lacks is then missing (fail
 * closed: never the file on disk in place of the approved text).
 */
public final class ConfigFiles {
    private static final ThreadLocal<Map<Path, String>> TEXTS = new ThreadLocal<>();

    private ConfigFiles() {}

    public static String read(Path file) throws IOException {
        Map<Path, String> texts = TEXTS.get();
        if (texts == null) {
            return Files.readString(file);
        }
        String text = texts.get(key(file));
        if (text == null) {
            throw new NoSuchFileException(file + " (not among the approved config's files)");
        }
        return text;
    }

    /** Runs {@code parse} with every config file read from {@code texts} (keyed by {@link #key}). */
    public static <T> T from(Map<Path, String> texts, Callable<T> parse) throws Exception {
        Map<Path, String> before = TEXTS.get();
        TEXTS.set(texts);
        try {
            return parse.call();
        } finally {
            if (before == null) {
                TEXTS.remove();
            } else {
                TEXTS.set(before);
            }
        }
    }

    /** The absolute, normalized form of a config file's path. */
    public static Path key(Path file) {
        return file.toAbsolutePath().normalize();
    }
}
