package io.portcullis.bench;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The disk's own floor for a durable answer (#20 item 3, busy disk): for {@code seconds}, appends a
 * record-sized write (1,500 bytes, about one audit record) to a file in {@code dir} and flushes it
 * ({@code FileChannel.force(false)}, fdatasync), one after the other, and prints the flush latency
 * as one line: {@code fsync <n> p50 <ms> p90 <ms> p99 <ms> max <ms>}. No gateway can answer with its
 * audit record durable sooner than the disk flushes it; bench/run.sh runs this on the data
 * directory's disk before the measurement.
 *
 * <p>Usage: {@code FsyncProbe <dir> <seconds>}
 */
public final class FsyncProbe {
    private FsyncProbe() {}

    public static void main(String[] args) throws Exception {
        Path file = Files.createTempFile(Path.of(args[0]), "fsync-probe", ".bin");
        double seconds = Double.parseDouble(args[1]);
        List<Double> ms = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer record = ByteBuffer.allocate(1_500);
            long end = System.nanoTime() + (long) (seconds * 1e9);
            while (System.nanoTime() < end) {
                record.clear();
                ch.write(record);
                long t = System.nanoTime();
                ch.force(false);
                ms.add((System.nanoTime() - t) / 1e6);
            }
        } finally {
            Files.deleteIfExists(file);
        }
        Collections.sort(ms);
        System.out.printf("fsync %d p50 %.2f p90 %.2f p99 %.2f max %.1f%n", ms.size(), at(ms, 0.50), at(ms, 0.90), at(ms, 0.99),
                ms.get(ms.size() - 1));
    }

    private static double at(List<Double> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) (q * sorted.size())));
    }
}
