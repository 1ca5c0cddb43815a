package io.portcullis.audit;

import io.portcullis.protocol.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * One stored record as verify sees it: its row (position, columns, stored hash, body bytes), the
 * SHA-256 of the body, and the head of the body parsed: {@code {"chain":..,"index":{..},"prev":..,"record":}}.
 * The record itself is only tokenized (it must be JSON that search and export can read back): it
 * is covered by the hash, the hash by the next record's {@code prev}, and the chain by the signed
 * checkpoints.
 */
record StoredRow(long position, Columns stored, String storedHash, String hash, byte[] body, String chain,
                 Columns.Indexed index, String prev, String error) {
    private static final HexFormat HEX = HexFormat.of();
    static final String SELECT = "SELECT seq, ts, kind, env, call_id, subject, tool, decision, trace_id, request_id, hash, body "
            + "FROM audit_records";

    long seq() {
        return index == null ? -1 : index.seq();
    }

    /** The row as read, before hashing (cheap: runs on the reading thread). */
    record Raw(long position, Columns stored, String storedHash, byte[] body) {}

    static Raw raw(ResultSet rs) throws SQLException {
        Columns stored = new Columns(rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10));
        // the body's UTF-8 bytes as stored: both drivers hand a TEXT value's bytes over without decoding it
        return new Raw(rs.getLong(1), stored, rs.getString(11), rs.getBytes(12));
    }

    /** Hashes the body and reads its head (runs on the verify workers). */
    static StoredRow digest(Raw w) {
        String hash = HEX.formatHex(Canonical.digest().digest(w.body()));
        String chain = null;
        Columns.Indexed index = null;
        String prev = null;
        String error = null;
        try (JsonParser p = Json.MAPPER.createParser(w.body())) {
            if (p.nextToken() != JsonToken.START_OBJECT || !name(p, "chain") || p.nextToken() != JsonToken.VALUE_STRING) {
                error = "it does not start with its chain";
            } else {
                chain = p.getString();
                if (!name(p, "index") || p.nextToken() != JsonToken.START_OBJECT || (index = Columns.parse(p)) == null) {
                    error = "its index is missing or malformed";
                } else if (!name(p, "prev") || p.nextToken() != JsonToken.VALUE_STRING) {
                    error = "its link to the previous record is missing";
                } else {
                    prev = p.getString();
                    if (!name(p, "record")) {
                        error = "it has no record";
                    } else if (!wholeJson(p)) {
                        error = "its record is not valid JSON";
                    }
                }
            }
        } catch (RuntimeException e) {
            error = "it is not valid JSON";
        }
        return new StoredRow(w.position(), w.stored(), w.storedHash(), hash, w.body(), chain, index, prev == null ? "" : prev, error);
    }

    /**
     * Whether the record and the end of the body are well-formed JSON (#11 item 3: a body holding
     * a bare {@code Infinity} hashed fine but broke search and export). Tokenizes without building a tree.
     */
    private static boolean wholeJson(JsonParser p) {
        JsonToken t = p.nextToken();
        if (t == null || t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
            return false;
        }
        p.skipChildren();
        return p.nextToken() == JsonToken.END_OBJECT && p.nextToken() == null;
    }

    private static boolean name(JsonParser p, String expected) {
        return p.nextToken() == JsonToken.PROPERTY_NAME && expected.equals(p.currentName());
    }
}
