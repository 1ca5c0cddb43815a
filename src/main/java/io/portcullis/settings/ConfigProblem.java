package io.portcullis.settings;

/** One thing wrong with a config file: where, and what was expected. */
public record ConfigProblem(String file, int line, String message) {
    @Override
    public String toString() {
        return file + ":" + line + ": " + message;
    }
}
