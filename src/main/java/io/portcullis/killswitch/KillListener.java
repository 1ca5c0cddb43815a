package io.portcullis.killswitch;

import io.portcullis.store.Store;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * #14 item 2: on PostgreSQL, a connection of its own (outside the pool) that {@code LISTEN}s on
 * {@link KillStore#CHANNEL} and re-reads the switches when another node flips one, so that a flip
 * is in force on every node well within a second. A broken connection is reopened after a pause;
 * meanwhile the poll of {@link KillSwitches} is the safety net.
 */
final class KillListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("portcullis.kill-switch");

    private final Thread thread;
    private volatile Connection connection;

    private KillListener(String url, Runnable onNotify) {
        thread = Thread.ofPlatform().daemon(true).name("kill-switch-listen").unstarted(() -> loop(url, onNotify));
    }

    static KillListener start(Store store, Runnable onNotify) {
        String url = ((com.zaxxer.hikari.HikariDataSource) store.dataSource()).getJdbcUrl();
        KillListener l = new KillListener(url, onNotify);
        l.thread.start();
        return l;
    }

    private void loop(String url, Runnable onNotify) {
        while (!Thread.currentThread().isInterrupted()) {
            try (Connection c = DriverManager.getConnection(url)) {
                connection = c;
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN " + KillStore.CHANNEL);
                }
                onNotify.run(); // anything flipped while no one listened
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!Thread.currentThread().isInterrupted()) {
                    PGNotification[] n = pg.getNotifications(500);
                    if (n != null && n.length > 0) {
                        onNotify.run();
                    }
                }
            } catch (SQLException e) {
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                LOG.warn("kill switches: LISTEN connection lost ({}); the poll re-reads every {} meanwhile", e.getMessage(),
                        KillSwitches.SAFETY_NET);
                try {
                    Thread.sleep(1000); // reconnect backoff, not a synchronisation
                } catch (InterruptedException i) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        thread.interrupt();
        Connection c = connection;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                LOG.debug("kill switches: LISTEN connection did not close cleanly: {}", e.toString());
            }
        }
    }
}
