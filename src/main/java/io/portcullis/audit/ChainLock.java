package io.portcullis.audit;

import io.portcullis.store.StoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * One writer per audit chain (#11 item 17). A chain is a node's; a node's id lives in the data
 * directory; two processes on one data directory (e.g. {@code serve} and {@code stdio} on the same
 * config) would append to the same chain and refuse each other's calls on the duplicate sequence
 * number. The writer holds an OS file lock on {@code <data_dir>/audit-<node>.lock} for its
 * lifetime (released by the OS if the process dies) and writes its holder into it; a second writer
 * is refused with a message naming the holder. Readers (the CLI's verify, search, export, keys,
 * revoke) do not take it.
 */
final class ChainLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private ChainLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of {@code node}'s chain in {@code dataDir}.
     *
     * @throws StoreException naming the holder when another process (or another gateway in this
     *         process) writes the chain, or when the lock file cannot be opened
     */
    static ChainLock acquire(Path dataDir, String node) {
        Path file = dataDir.resolve("audit-" + node.replaceAll("[^A-Za-z0-9._-]", "_") + ".lock");
        FileChannel ch = null;
        try {
            Files.createDirectories(dataDir);
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;
            }
            if (l == null) {
                String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
                ch.close();
                throw new StoreException("the audit chain of node " + node + " in " + dataDir + " is being written by another process ("
                        + (holder.isEmpty() ? "holder unknown" : holder) + "); two gateways cannot share a data directory: "
                        + "give this one its own server.data_dir (and audit.node), or stop the other", null);
            }
            // the pid and time only: a command line can carry options an operator would not want in a file
            String who = "pid " + ProcessHandle.current().pid() + ", since " + Instant.now();
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((who + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            ch.force(true);
            return new ChainLock(ch, l);
        } catch (IOException e) {
            try {
                if (ch != null) {
                    ch.close();
                }
            } catch (IOException ignored) {
                // reported below
            }
            throw new StoreException("the audit chain lock " + file + " cannot be taken: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // the OS releases the lock with the file handle
        }
    }
}
