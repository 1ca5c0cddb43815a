package io.portcullis.store;

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
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one serving process of a data directory (#11 item 17). A gateway ({@code serve} or
 * {@code stdio}) holds an OS lock on {@code portcullis.lock} in its data directory for as long as
 * it runs, with its pid, command and start time written in the file. A second gateway on the same
 * directory (the same node id, so the same audit chains) is refused at start with a message naming
 * the holder, instead of both appending to one chain. The OS releases the lock when the process
 * dies, however it dies, so a stale file never blocks a start.
 */
public final class DataDirLock implements AutoCloseable {
    static final String FILE = "portcullis.lock";
    /** Data directories held by this JVM (a second {@link FileChannel#tryLock} in one JVM throws instead of failing). */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(Path dir, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the data directory for this process.
     *
     * @param what what this process is, for the message another process gets ({@code serve}, {@code stdio})
     * @param mode the SQLite locking mode it runs in ({@code exclusive} or {@code shared}), written for CLI commands
     * @throws StoreException when another gateway holds it, naming that process, or the file cannot be written
     */
    public static DataDirLock acquire(Path dataDir, String what, String mode) {
        Path dir = dataDir.toAbsolutePath().normalize();
        Path file = dir.resolve(FILE);
        if (!HELD.add(dir)) {
            throw new StoreException(inUse(dir, holderText(file)));
        }
        try {
            Files.createDirectories(dir);
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
            if (l == null) {
                String holder = holderText(file);
                ch.close();
                throw new StoreException(inUse(dir, holder));
            }
            String text = "pid " + ProcessHandle.current().pid() + ", portcullis " + what + ", since " + Instant.now()
                    + ", sqlite_locking " + mode + "\n";
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), 0);
            ch.force(true);
            return new DataDirLock(dir, ch, l);
        } catch (IOException e) {
            HELD.remove(dir);
            throw new StoreException("cannot lock the data directory " + dir + " (" + file + "): " + e.getMessage(), e);
        } catch (RuntimeException e) {
            HELD.remove(dir);
            throw e;
        }
    }

    /**
     * The gateway process that holds {@code dataDir} now, as written in its lock file, or empty
     * when none does (or only this process does).
     */
    public static Optional<String> holder(Path dataDir) {
        Path dir = dataDir.toAbsolutePath().normalize();
        Path file = dir.resolve(FILE);
        if (HELD.contains(dir) || !Files.exists(file)) {
            return Optional.empty();
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock l = ch.tryLock();
            if (l != null) {
                l.release();
                return Optional.empty();
            }
        } catch (OverlappingFileLockException e) {
            return Optional.of(holderText(file));
        } catch (IOException e) {
            return Optional.empty(); // unreadable: the store itself will say what is wrong
        }
        return Optional.of(holderText(file));
    }

    private static String inUse(Path dir, String holder) {
        return "the data directory " + dir + " is in use by another gateway process (" + holder + "); "
                + "stop that one first, or give this one its own server.data_dir (each gateway needs its own: "
                + "its node id, signing key and audit chains live there)";
    }

    private static String holderText(Path file) {
        try {
            String s = Files.readString(file, StandardCharsets.UTF_8).strip();
            return s.isEmpty() ? "unknown process" : s;
        } catch (IOException e) {
            return "unknown process";
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // the OS releases the lock with the process anyway
        } finally {
            HELD.remove(dir);
        }
    }
}
