package io.portcullis.cli;

import io.portcullis.protocol.ProtocolVersion;
import io.portcullis.upstream.Version;
import picocli.CommandLine.Command;

@Command(name = "version", description = "Prints the version and the MCP protocol versions spoken.")
final class VersionCommand implements Runnable {
    @Override
    public void run() {
        System.out.println("portcullis " + Version.current());
        System.out.println("MCP protocol versions: " + String.join(", ", ProtocolVersion.ids()));
        System.out.println("Java " + Runtime.version());
    }
}
