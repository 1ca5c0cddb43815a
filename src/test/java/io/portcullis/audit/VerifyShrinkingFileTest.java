package io.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.audit.AuditFixture.Kind;
import io.portcullis.store.StoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * #21 item 13: {@code audit verify} reads the SQLite file page by page (no memory map), so a file that
 * shrinks or disappears while it reads is an error it reports, not a SIGBUS that kills the process.
 * The file is changed at a fixed point of the read ({@link Verifier#midRead}), not after a sleep.
 */
class VerifyShrinkingFileTest {
    @TempDir
    Path dir;
    AuditFixture f;

    @AfterEach
    void close() throws Exception {
        if (f != null) {
            f.close();
        }
    }

    /** A log large enough to span many pages, all of it in the main file (the WAL checkpointed into it). */
    Path written() throws Exception {
        f = new AuditFixture(Kind.SQLITE, dir);
        f.calls("dev", 2000);
        f.log.checkpoint();
        f.sql("PRAGMA wal_checkpoint(TRUNCATE)");
        Path db = dir.resolve("portcullis.db");
        assertThat(Files.size(db)).as("many pages to read").isGreaterThan(256 * 1024);
        return db;
    }

    Verifier verifier() throws IOException {
        return new Verifier(f.store, AuditLog.trustedKeys(f.config));
    }

    @Test
    void item13_aFileTruncatedMidReadIsAnErrorNotACrash() throws Exception {
        Path db = written();
        assertThat(verifier().run().intact()).as("before").isTrue();
        Verifier v = verifier().midRead(() -> {
            try (FileChannel ch = FileChannel.open(db, StandardOpenOption.WRITE)) {
                ch.truncate(8192); // two pages left: the schema, and nothing of the chains
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        assertThatThrownBy(v::run).isInstanceOf(StoreException.class).hasMessageContaining("cannot read the audit log");
        // and this process is alive to say so: the next read is the same clean error
        assertThatThrownBy(verifier()::run).isInstanceOf(StoreException.class);
    }

    @Test
    void item13_aFileRemovedMidReadIsReadToTheEndOrAnErrorNotACrash() throws Exception {
        Path db = written();
        Verifier v = verifier().midRead(() -> {
            try {
                Files.delete(db);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        // the open file stays readable on POSIX systems until closed: the verdict is the same as before
        Verifier.Report r = v.run();
        assertThat(db).doesNotExist();
        assertThat(r.intact()).isTrue();
        assertThat(r.records()).isGreaterThanOrEqualTo(2000);
    }
}
