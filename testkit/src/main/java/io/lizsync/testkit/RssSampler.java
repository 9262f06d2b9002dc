package io.lizsync.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Samples the resident set of some processes every 100 ms; peaks are per interval between takes. */
public final class RssSampler implements AutoCloseable {

    private final Map<String, Long> pids;
    private final Map<String, Long> peaks = new HashMap<>();
    private final Thread thread;
    private volatile boolean stop;

    public RssSampler(Map<String, Long> pids) {
        this.pids = pids;
        sample();
        thread = new Thread(() -> {
            while (!stop) {
                sample();
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "rss-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    private synchronized void sample() {
        pids.forEach((name, pid) -> peaks.merge(name, procKb(pid, "VmRSS"), Math::max));
    }

    /** The peaks since the last take (a final sample included), then starts a new interval. */
    public synchronized Map<String, Long> takePeaks() {
        sample();
        Map<String, Long> out = new HashMap<>(peaks);
        peaks.clear();
        return out;
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.interrupt();
        thread.join(2000);
    }

    /** A field of /proc/PID/status in kB (VmRSS, VmHWM); 0 when the process is gone. */
    public static long procKb(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException gone) {
            // the process ended meanwhile
        }
        return 0;
    }
}
