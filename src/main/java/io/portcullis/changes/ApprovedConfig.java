package io.portcullis.changes;

import io.portcullis.config.ConfigReader;
import io.portcullis.config.GatewayConfig;
import io.portcullis.protocol.Json;
import io.portcullis.settings.ConfigException;
import io.portcullis.settings.ConfigFiles;
import io.portcullis.store.Store;
import io.portcullis.store.StoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * #15 item 4 ("the gateway keeps running on the last approved config"): the text of every file of the
 * last config the change control applied (table {@code config_approved}, one row, shared by every node of
 * a store). At start the file's config is compared with it ({@link #atStart}): a change that widens what
 * someone may do in an environment the approved config holds is not run on; the gateway starts on the
 * approved config and the file's is offered to the change control, which holds it. So a restart does not
 * bypass a held change.
 *
 * <p>Fail closed: when a stored approved config exists but cannot be read or no longer parses, the
 * gateway does not start (docs/operations/changes.md).
 */
public final class ApprovedConfig {
    private static final Logger LOG = LoggerFactory.getLogger(ApprovedConfig.class);

    /** The stored approved config: the SHA-256 of its texts, its main file, when, and its files' texts. */
    record Stored(String hash, Path main, String at, Map<Path, String> files) {}

    private final Store store;

    ApprovedConfig(Store store) {
        this.store = store;
        store.migrate("config_approved", List.of("CREATE TABLE config_approved (name VARCHAR(16) PRIMARY KEY, "
                + "config_hash VARCHAR(64) NOT NULL, main_file VARCHAR(2000) NOT NULL, approved_at VARCHAR(40) NOT NULL, "
                + "files TEXT NOT NULL)"));
    }

    /**
     * The config to start on: the file's, unless a stored approved config exists and the file's widens
     * it in an environment the approved one holds ({@code change_control.hold_widening}) and that change
     * was not approved: then the approved config (the file's is held once offered, {@link ChangeControl#offer}).
     *
     * @throws StoreException when the stored approved config cannot be read or parsed (the gateway does not start)
     */
    public static GatewayConfig atStart(Store store, GatewayConfig file) {
        if (file.source() == null) {
            return file; // the built-in demo: no file to change
        }
        Optional<Stored> stored;
        Map<Path, String> texts;
        try {
            stored = new ApprovedConfig(store).load();
            texts = texts(file);
        } catch (SQLException | IOException | RuntimeException e) {
            throw new StoreException("the last approved config cannot be read (" + e.getMessage() + "), so the gateway does not "
                    + "start on a config nobody approved (change_control, docs/operations/changes.md)", e);
        }
        if (stored.isEmpty() || stored.get().hash().equals(hash(texts))) {
            return file;
        }
        Stored s = stored.get();
        GatewayConfig approved;
        try {
            approved = ConfigFiles.from(s.files(), () -> ConfigReader.parse(s.files().get(s.main()), s.main().toString(),
                    s.main().getParent(), s.main()));
        } catch (Exception e) {
            String why = e instanceof ConfigException ce ? ce.problems().toString() : e.toString();
            throw new StoreException("the last approved config (approved " + s.at() + ", sha256 " + s.hash().substring(0, 12)
                    + ") cannot be parsed: " + why + "; the gateway does not start on a config nobody approved "
                    + "(change_control, docs/operations/changes.md)", e);
        }
        boolean widens = approved.changeControl().holdWidening().stream()
                .anyMatch(env -> ConfigDiff.diff(approved, file).stream().anyMatch(c -> c.widens(env)));
        if (!widens) {
            return file;
        }
        try {
            Optional<HeldChanges.Row> row = new HeldChanges(store).get(ChangeControl.hash(file).substring(0, 12));
            if (row.isPresent() && row.get().state().equals("approved")) {
                return file;
            }
        } catch (SQLException e) {
            LOG.warn("held config changes cannot be read; starting on the last approved config: {}", e.toString());
        }
        LOG.warn("the config file {} widens the last approved config (approved {}); starting on the approved config, "
                + "the file's change waits for review (portcullis changes list)", file.source(), s.at());
        return approved.withPort(file.server().port());
    }

    /** Records {@code c} as the last approved config: the texts of its files, read now. */
    void save(GatewayConfig c, String at) throws SQLException, IOException {
        if (c.source() == null) {
            return;
        }
        Map<Path, String> texts = texts(c);
        ObjectNode files = Json.object();
        texts.forEach((p, t) -> files.put(p.toString(), t));
        store.inTransaction(conn -> {
            store.beginWrite(conn);
            try (PreparedStatement del = conn.prepareStatement("DELETE FROM config_approved WHERE name = 'approved'");
                 PreparedStatement ins = conn.prepareStatement("INSERT INTO config_approved (name, config_hash, main_file, "
                         + "approved_at, files) VALUES ('approved', ?, ?, ?, ?)")) {
                del.executeUpdate();
                ins.setString(1, hash(texts));
                ins.setString(2, ConfigFiles.key(c.source()).toString());
                ins.setString(3, at);
                ins.setString(4, Json.write(files));
                return ins.executeUpdate();
            }
        });
    }

    Optional<Stored> load() throws SQLException {
        try (Connection c = store.connection();
             PreparedStatement ps = c.prepareStatement("SELECT config_hash, main_file, approved_at, files FROM config_approved "
                     + "WHERE name = 'approved'");
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            Map<Path, String> files = new TreeMap<>();
            Json.parse(rs.getString(4)).properties().forEach(e -> files.put(Path.of(e.getKey()), e.getValue().asString()));
            return Optional.of(new Stored(rs.getString(1), Path.of(rs.getString(2)), rs.getString(3), files));
        }
    }

    private static Map<Path, String> texts(GatewayConfig c) throws IOException {
        Map<Path, String> out = new TreeMap<>();
        for (Path p : c.files()) {
            out.put(ConfigFiles.key(p), ConfigFiles.read(p));
        }
        return out;
    }

    private static String hash(Map<Path, String> texts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            texts.forEach((p, t) -> {
                md.update(p.toString().getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
                md.update(t.getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
            });
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
