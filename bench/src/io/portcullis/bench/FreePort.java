package io.portcullis.bench;

import java.net.InetAddress;
import java.net.ServerSocket;

/** Prints {@code n} free loopback TCP ports (default 1), one per line, for bench/run.sh. */
public final class FreePort {
    private FreePort() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        ServerSocket[] held = new ServerSocket[n];
        for (int i = 0; i < n; i++) {
            held[i] = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()); // held open so that the n ports differ
            System.out.println(held[i].getLocalPort());
        }
        for (ServerSocket s : held) {
            s.close();
        }
    }
}
