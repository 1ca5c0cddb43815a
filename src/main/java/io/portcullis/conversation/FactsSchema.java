package io.portcullis.conversation;

import io.portcullis.store.Store;
import java.util.List;

/**
 * The migrations of {@code conversation_facts} (#13 item 4; session 9, cheaper rows). Every call
 * upserts two or more of its rows inside the audit commit, each changing {@code last_ms}, so every
 * b-tree the table has is a page more to write, log and sync per commit:
 * <ul>
 * <li>SQLite (steps 3-6): the table becomes {@code WITHOUT ROWID}: its primary key b-tree is the
 * table (one b-tree, not a rowid table plus a key index), and the {@code last_ms} index goes: the
 * purge runs at most once a minute and scans instead. An existing store is rebuilt: a new table,
 * its rows copied, the old one (with its indexes) dropped, the new one renamed; each step in its
 * own transaction, recorded, so a stop between steps goes on from the next step.</li>
 * <li>PostgreSQL (step 3): the {@code last_ms} index goes too: with it an upsert that moves
 * {@code last_ms} cannot be a HOT update and writes a new entry in both indexes; without it the
 * key columns never change and PostgreSQL can update the row in place on its page (no index
 * write). The purge (once a minute per node) scans the table, which is bounded (labels from a
 * finite vocabulary, {@code max_tools} tools and one count per live conversation).</li>
 * </ul>
 * Released steps are never edited (store.migrate versions them); a store is one dialect for life.
 */
final class FactsSchema {
    private FactsSchema() {}

    private static final String COLUMNS = "(conv_key VARCHAR(64) NOT NULL, kind VARCHAR(8) NOT NULL, "
            + "item VARCHAR(256) NOT NULL, n BIGINT NOT NULL, call_ids VARCHAR(2000) NOT NULL, "
            + "first_ms BIGINT NOT NULL, last_ms BIGINT NOT NULL, PRIMARY KEY (conv_key, kind, item))";

    /** The migrations in order: steps 1-2 as released in session 8, then the dialect's own. */
    static List<String> migrations(Store.Dialect dialect) {
        String first = "CREATE TABLE conversation_facts " + COLUMNS;
        String second = "CREATE INDEX conversation_facts_last ON conversation_facts (last_ms)";
        if (dialect == Store.Dialect.POSTGRES) {
            return List.of(first, second, "DROP INDEX IF EXISTS conversation_facts_last");
        }
        return List.of(first, second,
                "CREATE TABLE conversation_facts_new " + COLUMNS + " WITHOUT ROWID",
                "INSERT INTO conversation_facts_new (conv_key, kind, item, n, call_ids, first_ms, last_ms) "
                        + "SELECT conv_key, kind, item, n, call_ids, first_ms, last_ms FROM conversation_facts",
                "DROP TABLE conversation_facts",
                "ALTER TABLE conversation_facts_new RENAME TO conversation_facts");
    }
}
