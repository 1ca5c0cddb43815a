package io.portcullis.redact;

import io.portcullis.protocol.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** #11 item 8: the one corpus ({@code src/test/resources/redact/corpus.json}) every stored or shown copy is tested against. */
public final class Corpus {
    private Corpus() {}

    public static JsonNode json() {
        try (InputStream in = Corpus.class.getResourceAsStream("/redact/corpus.json")) {
            return Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The secret substrings that must never be stored or shown. */
    public static List<String> secrets() {
        List<String> out = new ArrayList<>();
        json().path("secrets").forEach(s -> out.add(s.path("secret").asString()));
        return out;
    }

    /** The texts that hold them. */
    public static List<String> texts() {
        List<String> out = new ArrayList<>();
        json().path("secrets").forEach(s -> out.add(s.path("text").asString()));
        return out;
    }
}
