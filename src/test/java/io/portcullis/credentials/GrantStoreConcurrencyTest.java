package io.portcullis.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.store.Store;
import io.portcullis.store.StoreConfig;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * #16 item 1/2 (C1.2), found by {@code UserOAuthFaultsIT}: a consent whose grant was stored while
 * another connection wrote to the same SQLite file failed with "the grant could not be stored
 * (SQLiteException)". {@link GrantStore#put} read the old row before writing; on SQLite a
 * transaction that reads first cannot upgrade to a writer once another connection has committed
 * (SQLITE_BUSY, whatever the busy timeout). Many puts at once, each replacing a row others read,
 * must all succeed.
 */
class GrantStoreConcurrencyTest {

    @Test
    void concurrentPutsAllSucceed(@TempDir Path dir) throws Exception {
        Store store = Store.open(new StoreConfig(null, dir, 4));
        try {
            GrantStore grants = GrantStore.open(store);
            Vault.Sealed sealed = new Vault.Sealed("k1", new byte[] {1, 2, 3}, new byte[] {4, 5, 6});
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int thread = t;
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < 40; i++) {
                            // two keys shared by every thread: each put reads and replaces a row the others write
                            GrantStore.Key key = new GrantStore.Key("iss", "user" + (i % 2), "tickets", "s");
                            grants.put(key, sealed, "fp" + thread + "-" + i, null, Instant.now());
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(grants.list(null, "tickets")).hasSize(2);
        } finally {
            store.close();
        }
    }
}
