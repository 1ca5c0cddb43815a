package io.portcullis.server;

import io.portcullis.Gateway;
import io.portcullis.cluster.Membership;
import io.portcullis.config.GatewayConfig;
import io.portcullis.readiness.ConfigChanges;
import io.portcullis.upstream.Version;
import java.net.InetAddress;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * #19 item 2: registers the serving gateway as a node of its store's cluster: its audit node id (one
 * per data directory, so stable across restarts), the version, the hash of its config files (hashed
 * again only when a reload swaps the config) and the address it listens on.
 */
final class NodeRegistration {
    private NodeRegistration() {}

    static Membership start(Gateway gateway, String scheme, String host, int port) {
        String where = host == null || host.isBlank() || host.equals("0.0.0.0") || host.equals("::") ? hostName() : host;
        String address = scheme + "://" + (where.contains(":") && !where.startsWith("[") ? "[" + where + "]" : where) + ":" + port;
        return Membership.start(gateway.store(), gateway.audit().node(), Version.current(), address, hash(gateway), Clock.systemUTC());
    }

    private static Supplier<String> hash(Gateway gateway) {
        return new Supplier<>() {
            private GatewayConfig hashed;
            private String hash;

            @Override
            public synchronized String get() {
                GatewayConfig now = gateway.config();
                if (now != hashed) {
                    hash = ConfigChanges.hash(now);
                    hashed = now;
                }
                return hash;
            }
        };
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "0.0.0.0";
        }
    }
}
