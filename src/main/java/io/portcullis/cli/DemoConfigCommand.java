package io.portcullis.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code portcullis demo-config > demo.yaml}: the built-in demo's config as a file to change and
 * run with {@code serve --config demo.yaml} (#11 item 23). Only the YAML goes to standard output,
 * so the redirect gives a file that {@code check} accepts as it is.
 */
@Command(name = "demo-config", description = "Prints the built-in demo's config (YAML) to standard output: portcullis demo-config > demo.yaml")
final class DemoConfigCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.print(Configs.demoText());
        System.out.flush();
        return 0;
    }
}
