package io.portcullis.bench;

import java.util.Arrays;

/**
 * What one phase measured. Latencies are in nanoseconds; in a fixed-rate phase each is measured
 * from the call's intended send time, so a stalled server is charged for the calls it delayed
 * (no coordinated omission).
 *
 * @param latenciesNs one entry per successful call
 * @param errors      calls that failed (transport error or a reply that is not the echo result)
 * @param unfinished  calls not answered before the phase gave up, 5 s after its end (saturation)
 * @param seconds     the measured window: the schedule's length, or longer when the last answer came
 *                    later than that (a target that falls behind is not credited with the offered rate)
 * @param offered     the offered rate in calls/s, or 0 for a closed-loop phase
 * @param cpuSeconds  CPU time the serving processes used during the phase (see {@link Cpu})
 */
record Samples(long[] latenciesNs, int errors, int unfinished, double seconds, double offered, double cpuSeconds) {

    static Samples of(long[] raw, int errors, int unfinished, double seconds, double offered) {
        long[] ok = Arrays.stream(raw).filter(v -> v >= 0).sorted().toArray();
        return new Samples(ok, errors, unfinished, seconds, offered, 0);
    }

    Samples withCpu(double cpu) {
        return new Samples(latenciesNs, errors, unfinished, seconds, offered, cpu);
    }

    /** Server CPU microseconds per successful call. */
    double cpuMicrosPerCall() {
        return latenciesNs.length == 0 ? Double.NaN : cpuSeconds * 1e6 / latenciesNs.length;
    }

    /** Successful calls per second over the window. */
    double achieved() {
        return latenciesNs.length / seconds;
    }

    /** The p-th percentile in milliseconds (nearest rank), NaN when nothing succeeded. */
    double percentileMs(double p) {
        if (latenciesNs.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * latenciesNs.length);
        return latenciesNs[Math.max(0, Math.min(latenciesNs.length - 1, rank - 1))] / 1e6;
    }

    /**
     * Whether the target kept up with the offered rate: every call answered, and no
     * more than 2% short of the rate. A saturated row's percentiles mostly measure the queue.
     */
    boolean saturated() {
        return offered > 0 && (unfinished > 0 || achieved() < offered * 0.98 - 1);
    }
}
