package io.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.portcullis.audit.AuditFixture.Kind;
import io.portcullis.catalog.ToolEntry;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Origin;
import io.portcullis.protocol.Json;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * #21 item 9: a full disk is logged as one line that says the disk is full and where, then
 * rate-limited, not as thousands of "SQL error or missing database (cannot commit - no
 * transaction is active)". The disk fills for real as SQLite sees it: every connection of the
 * store is capped with {@code PRAGMA max_page_count}, so writes fail with SQLITE_FULL.
 */
class Robustness09DiskFullTest {
    @TempDir
    Path dir;

    @Test
    void item9_aFullDiskIsOneClearLineNotOnePerCall() throws Exception {
        try (AuditFixture f = new AuditFixture(Kind.SQLITE, dir)) {
            f.calls("dev", 5);
            // every pooled connection at once, so that each one has the cap
            List<Connection> all = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    Connection c = f.store.connection();
                    all.add(c);
                    try (Statement st = c.createStatement(); var rs = st.executeQuery("PRAGMA page_count")) {
                        rs.next();
                        st.execute("PRAGMA max_page_count = " + rs.getLong(1));
                    }
                }
            } finally {
                for (Connection c : all) {
                    c.close();
                }
            }
            Logger audit = (Logger) LoggerFactory.getLogger("portcullis.audit");
            ListAppender<ILoggingEvent> lines = new ListAppender<>();
            lines.start();
            audit.addAppender(lines);
            AtomicInteger refused = new AtomicInteger();
            int calls = 300;
            try (ExecutorService clients = Executors.newFixedThreadPool(8)) {
                ToolEntry t = AuditFixture.tool("demo__search", true);
                List<Future<?>> done = new ArrayList<>();
                for (int i = 0; i < calls; i++) {
                    int n = i;
                    done.add(clients.submit(() -> {
                        try {
                            f.run(AuditFixture.call("dev", "alice", t, Json.object().put("query", "x".repeat(2000) + n), Origin.NONE),
                                    c -> AuditFixture.text("ok"));
                        } catch (GatewayException e) {
                            assertThat(e.control()).isEqualTo("audit");
                            refused.incrementAndGet();
                        }
                        return null;
                    }));
                }
                for (Future<?> d : done) {
                    d.get();
                }
            } finally {
                audit.detachAppender(lines);
            }
            assertThat(refused.get()).isEqualTo(calls); // fail closed: nothing answered without its record
            List<String> text;
            synchronized (lines.list) {
                text = lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
            }
            assertThat(text).isNotEmpty().hasSizeLessThanOrEqualTo(6); // a few kinds of line, once each: not one per call
            assertThat(text).filteredOn(l -> l.startsWith("AUDIT STORE FAILURE")).singleElement().satisfies(l ->
                    assertThat(l).contains("is full", dir.toAbsolutePath().resolve("portcullis.db").toString()));
            assertThat(text).noneMatch(l -> l.contains("no transaction is active"));
        }
    }
}
