package io.portcullis.cli;

/**
 * #12 item 6: one exit-code convention for every subcommand, printed in every {@code --help}
 * ({@link #FOOTER}) and in the README.
 */
final class Exit {
    private Exit() {}

    /** Done; for a check: it passed. */
    static final int OK = 0;
    /** The command ran and its check failed: verify found a break, readiness is not ready, a policy case failed, nothing found, the gateway refused. */
    static final int FAILED = 1;
    /** Usage or config error: bad options, a config with problems, a file or store that cannot be read. */
    static final int USAGE = 2;

    static final String FOOTER = "%nExit codes: 0 ok; 1 the check failed (verify found a break, not ready, a policy case failed, "
            + "nothing found, the gateway refused); 2 usage or config error: the command could not run (bad options, a config "
            + "with problems, a file, port, data directory or store it cannot use).";
}
