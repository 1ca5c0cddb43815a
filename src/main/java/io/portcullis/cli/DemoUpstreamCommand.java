package io.portcullis.cli;

import io.portcullis.demo.DemoServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo-upstream", description = "Runs the bundled demo MCP server (stdio, or Streamable HTTP with --http).")
final class DemoUpstreamCommand implements Callable<Integer> {
    @Option(names = "--echo", description = "offer only the echo tool (the benchmark's fast upstream)")
    boolean echo;

    @Option(names = "--http", description = "serve Streamable HTTP on 127.0.0.1:PORT instead of stdio")
    Integer port;

    @Override
    public Integer call() throws Exception {
        List<String> args = new ArrayList<>();
        if (echo) {
            args.add("--echo");
        }
        if (port != null) {
            args.add("--http");
            args.add(port.toString());
        }
        DemoServer.main(args.toArray(String[]::new));
        return 0;
    }
}
