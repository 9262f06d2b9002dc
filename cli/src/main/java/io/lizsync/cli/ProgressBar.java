package io.lizsync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.Locale;

/**
 * A job's progress on stderr. On a terminal one line redrawn in place
 * ({@code [########............]  40% dumping  1200/3000 rows}); elsewhere (a log, a pipe) a line
 * per step and per tenth, so a log stays short.
 */
final class ProgressBar {

    static final int WIDTH = 24;

    private final PrintStream err;
    private final boolean terminal;
    private String lastStep;
    private int lastTenth = -1;
    private int drawn;

    ProgressBar(PrintStream err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    /** The text of a job's progress: bar, percent (when known), step, done of total with the unit. */
    static String render(JsonNode job) {
        StringBuilder s = new StringBuilder();
        JsonNode percent = job.path("percent");
        if (percent.isNumber()) {
            int p = Math.max(0, Math.min(100, percent.asInt()));
            int filled = p * WIDTH / 100;
            s.append('[').append("#".repeat(filled)).append(".".repeat(WIDTH - filled)).append("] ")
                    .append(String.format(Locale.ROOT, "%3d%%", p));
        } else {
            s.append('[').append(" ".repeat(WIDTH)).append("]   ?%");
        }
        String state = job.path("state").asText("");
        String step = job.path("step").asText("");
        s.append("  ").append(step.isEmpty() ? state : step);
        long done = job.path("done").asLong(0);
        long total = job.path("total").asLong(0);
        String unit = job.path("unit").asText("");
        if (total > 0) {
            s.append("  ").append(done).append('/').append(total);
        } else if (done > 0) {
            s.append("  ").append(done);
        }
        if ((total > 0 || done > 0) && !unit.isEmpty()) {
            s.append(' ').append(unit);
        }
        return s.toString();
    }

    /** Shows {@code job}'s progress (when it changed enough to be worth a line off a terminal). */
    void show(JsonNode job) {
        String text = render(job);
        if (terminal) {
            err.print("\r" + text + " ".repeat(Math.max(0, drawn - text.length())));
            err.flush();
            drawn = text.length();
            return;
        }
        String step = job.path("step").asText(job.path("state").asText(""));
        int tenth = job.path("percent").isNumber() ? job.path("percent").asInt() / 10 : -1;
        if (!step.equals(lastStep) || tenth > lastTenth) {
            err.println(text);
            lastStep = step;
            lastTenth = tenth;
        }
    }

    /** Ends the redrawn line, so that what follows starts on its own. */
    void finish() {
        if (terminal && drawn > 0) {
            err.println();
            drawn = 0;
        }
    }
}
