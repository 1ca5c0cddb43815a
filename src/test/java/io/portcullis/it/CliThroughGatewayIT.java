package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.it.StoreOwnershipIT.Run;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * #21 item 13: with the embedded store held exclusively by the serving gateway (the default now),
 * every CLI store command works beside it, through its admin API, with the token of its
 * {@code admin.local} file; and opens the store directly when the data directory is free. The CLI
 * runs as a separate process, as an operator runs it; the gateway runs in this JVM.
 */
class CliThroughGatewayIT {

    static Run cli(TestGateway gw, String... args) throws Exception {
        List<String> a = new ArrayList<>(List.of(args));
        a.add("--config");
        a.add(gw.configFile().toString());
        return StoreOwnershipIT.run(JvmPeers.portcullis(a.toArray(String[]::new)));
    }

    static Run cli(Path config, String... args) throws Exception {
        List<String> a = new ArrayList<>(List.of(args));
        a.add("--config");
        a.add(config.toString());
        return StoreOwnershipIT.run(JvmPeers.portcullis(a.toArray(String[]::new)));
    }

    @Test
    void item13_everyStoreCommandWorksBesideTheExclusiveGatewayThroughItsAdminApi() throws Exception {
        try (TestGateway gw = TestGateway.start(StoreOwnershipIT.yaml(""))) { // no sqlite_locking: the default
            assertThat(gw.gateway().config().store().sqliteLocking()).isEqualTo("exclusive");
            Path data = gw.gateway().config().server().dataDir();
            Path local = data.resolve("admin.local");
            assertThat(local).exists();
            assertThat(Files.getPosixFilePermissions(local)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            LegacySession s = LegacySession.open(gw.client(), "2025-11-25");
            StoreOwnershipIT.echo(s, "one");

            Run key = cli(gw, "keys", "create", "--role", "ci", "--env", "dev", "--expires", "1d");
            assertThat(key.code()).as(key.err()).isZero();
            assertThat(key.out()).startsWith("pcl_");
            String prefix = key.out().strip().substring(4, 12);
            var stored = gw.gateway().identity().store().keys();
            assertThat(stored).anySatisfy(k -> {
                assertThat(k.prefix()).isEqualTo(prefix);
                assertThat(k.createdBy()).as("attributed to the OS user who could read admin.local")
                        .isEqualTo(System.getProperty("user.name") + "@local-cli");
            });

            Run list = cli(gw, "keys", "list");
            assertThat(list.code()).as(list.err()).isZero();
            assertThat(list.out()).contains(prefix, "ci", "active");

            // a too-long lifetime is a usage error (2), refused before anything is written
            Run tooLong = cli(gw, "keys", "create", "--role", "ci", "--env", "dev", "--expires", "9999d");
            assertThat(tooLong.code()).isEqualTo(2);

            Run revokeKey = cli(gw, "keys", "revoke", prefix);
            assertThat(revokeKey.code()).as(revokeKey.err()).isZero();
            Run again = cli(gw, "keys", "revoke", prefix);
            assertThat(again.code()).as("no active key: the check failed").isEqualTo(1);
            assertThat(again.err()).contains("no active API key has the prefix " + prefix).doesNotContain("\tat ");

            Run jti = cli(gw, "revoke", "--jti", "tok-123", "--reason", "leaked");
            assertThat(jti.code()).as(jti.err()).isZero();
            assertThat(gw.gateway().identity().store().jtiRevoked("tok-123")).as("in effect at once").isTrue();
            Run revocations = cli(gw, "revoke", "--list");
            assertThat(revocations.out()).contains("tok-123", "by=" + System.getProperty("user.name") + "@local-cli");

            gw.gateway().audit().checkpoint();
            Run verify = cli(gw, "audit", "verify");
            assertThat(verify.code()).as(verify.out() + verify.err()).isZero();
            assertThat(verify.out()).contains("audit log INTACT");
            Run search = cli(gw, "audit", "search", "--tool", "demo__echo");
            assertThat(search.code()).as(search.err()).isZero();
            assertThat(search.out()).contains("demo__echo");
            Run none = cli(gw, "audit", "search", "--tool", "no_such_tool");
            assertThat(none.code()).as("nothing found").isEqualTo(1);
            Run export = cli(gw, "audit", "export", "--tool", "demo__echo");
            assertThat(export.code()).as(export.err()).isZero();
            assertThat(export.out().lines().filter(l -> l.contains("\"demo__echo\"")).count()).isGreaterThanOrEqualTo(1);
            Run trace = cli(gw, "audit", "trace", "no-such-request");
            assertThat(trace.code()).isEqualTo(1);
            assertThat(trace.out()).contains("No records for request no-such-request");

            // the one store command that needs the gateway stopped says so, without touching the store
            Run rotate = cli(gw, "audit", "rotate-key", "--out", gw.dir().resolve("new.key").toString());
            assertThat(rotate.code()).isEqualTo(2);
            assertThat(rotate.err()).contains("stop the gateway first (pid " + ProcessHandle.current().pid());
            assertThat(gw.dir().resolve("new.key")).doesNotExist();

            assertThat(data.resolve("portcullis.db-shm")).as("nothing memory-maps the WAL index").doesNotExist();
            StoreOwnershipIT.echo(s, "still served");
        }
    }

    @Test
    void item13_aCredentialFileOthersCouldReadOrThatPointsElsewhereIsRefused() throws Exception {
        try (TestGateway gw = TestGateway.start(StoreOwnershipIT.yaml(""))) {
            Path local = gw.gateway().config().server().dataDir().resolve("admin.local");
            String good = Files.readString(local);

            Files.setPosixFilePermissions(local, PosixFilePermissions.fromString("rw-r--r--"));
            Run loose = cli(gw, "keys", "list");
            assertThat(loose.code()).isEqualTo(2);
            assertThat(loose.err()).contains("refusing the local admin credential " + local, "mode must be 0600")
                    .doesNotContain("\tat ");

            // owned by another user (who could have written it): refused; only root can stage this
            Files.setPosixFilePermissions(local, PosixFilePermissions.fromString("rw-------"));
            if ("root".equals(System.getProperty("user.name"))) {
                Files.setOwner(local, local.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
                Run foreign = cli(gw, "keys", "list");
                assertThat(foreign.code()).isEqualTo(2);
                assertThat(foreign.err()).contains("it is owned by nobody, not by root");
                Files.setOwner(local, local.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("root"));
            }

            // the token sent to another host: refused before anything is sent
            Files.setPosixFilePermissions(local, PosixFilePermissions.fromString("rw-------"));
            Files.writeString(local, good.replaceAll("\"url\":\"[^\"]+\"", "\"url\":\"http://192.0.2.1:80\""));
            Run elsewhere = cli(gw, "keys", "list");
            assertThat(elsewhere.code()).isEqualTo(2);
            assertThat(elsewhere.err()).contains("is not an address of this host");

            // a symbolic link in its place (to a file an attacker controls) is not followed
            Path planted = Files.writeString(gw.dir().resolve("planted.json"), good);
            Files.setPosixFilePermissions(planted, PosixFilePermissions.fromString("rw-------"));
            Files.delete(local);
            Files.createSymbolicLink(local, planted);
            Run link = cli(gw, "keys", "list");
            assertThat(link.code()).isEqualTo(2);
            assertThat(link.err()).contains("not a regular file");

            // the gateway holds the directory but cannot be reached at the address written: a clear error, no store opened
            Files.delete(local);
            Files.writeString(local, good.replaceAll(":\\d+\"", ":1\""));
            Files.setPosixFilePermissions(local, PosixFilePermissions.fromString("rw-------"));
            Run gone = cli(gw, "keys", "list");
            assertThat(gone.code()).isEqualTo(2);
            assertThat(gone.err()).contains("cannot reach the gateway", "still holds the data directory").doesNotContain("\tat ");

            // no file at all beside an exclusive gateway (e.g. a stdio one): refused, naming the holder
            Files.delete(local);
            Run missing = cli(gw, "audit", "search");
            assertThat(missing.code()).isEqualTo(2);
            assertThat(missing.err()).contains("publishes no admin.local", "pid " + ProcessHandle.current().pid());
            Files.writeString(local, good); // restored for a clean close
        }
    }

    @Test
    void item13_whenTheGatewayIsGoneTheStoreIsOpenedDirectlyAndAStaleCredentialIsIgnored() throws Exception {
        Path home = Files.createTempDirectory("cli-direct");
        String yaml = StoreOwnershipIT.yaml("server:\n  data_dir: " + home.resolve("data") + "\n");
        Path config = Files.writeString(home.resolve("portcullis.yaml"), yaml);
        Path local = home.resolve("data").resolve("admin.local");
        String written;
        try (TestGateway gw = TestGateway.start(yaml)) {
            assertThat(gw.gateway().config().server().dataDir()).isEqualTo(home.resolve("data"));
            written = Files.readString(local);
            StoreOwnershipIT.echo(LegacySession.open(gw.client(), "2025-11-25"), "recorded");
        }
        assertThat(local).as("deleted at close").doesNotExist();
        // a stale file (a gateway killed with -9 leaves one): the lock is free, so it is ignored
        Files.writeString(local, written, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(local, PosixFilePermissions.fromString("rw-------"));
        Run key = cli(config, "keys", "create", "--role", "ci", "--env", "dev", "--expires", "1d");
        assertThat(key.code()).as(key.err()).isZero();
        Run list = cli(config, "keys", "list");
        assertThat(list.out()).contains(key.out().strip().substring(4, 12));
        Run verify = cli(config, "audit", "verify");
        assertThat(verify.code()).as(verify.out() + verify.err()).isZero();
    }
}
