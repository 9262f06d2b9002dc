package io.lizsync.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Everything the test JVM logs (the registry runs in it) while open, down to the registry's debug
 * lines, so a test can check that no secret is in any of them.
 */
final class LogCapture extends Handler implements AutoCloseable {

    private static final String REGISTRY = "io.lizsync.registry";

    private final List<String> lines = new ArrayList<>();
    private final Formatter formatter = new SimpleFormatter();
    private final Level registryLevel;

    LogCapture() {
        setLevel(Level.ALL);
        registryLevel = Logger.getLogger(REGISTRY).getLevel();
        Logger.getLogger(REGISTRY).setLevel(Level.ALL);
        Logger.getLogger("").addHandler(this);
    }

    @Override
    public synchronized void publish(LogRecord record) {
        StringBuilder b = new StringBuilder(formatter.format(record));
        if (record instanceof org.jboss.logmanager.ExtLogRecord ext) {
            b.append(' ').append(ext.getFormattedMessage()); // printf-style messages, expanded
        }
        if (record.getParameters() != null) {
            for (Object p : record.getParameters()) {
                b.append(' ').append(p);
            }
        }
        lines.add(b.toString());
    }

    /** The lines logged so far that contain {@code needle}. */
    synchronized List<String> linesWith(String needle) {
        return lines.stream().filter(l -> l.contains(needle)).toList();
    }

    synchronized int size() {
        return lines.size();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(this);
        Logger.getLogger(REGISTRY).setLevel(registryLevel);
    }
}
