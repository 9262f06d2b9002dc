package io.lizsync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A job's progress line, redrawn on a terminal, a line per step and tenth elsewhere. */
class ProgressBarTest {

    private final ObjectMapper json = new ObjectMapper();

    private JsonNode job(String text) throws Exception {
        return json.readTree(text);
    }

    @Test
    void rendersBarPercentStepAndCount() throws Exception {
        assertEquals("[##########..............]  42%  dumping  1260/3000 rows",
                ProgressBar.render(job("{\"state\":\"running\",\"step\":\"dumping\",\"percent\":42,\"done\":1260,"
                        + "\"total\":3000,\"unit\":\"rows\"}")));
        assertEquals("[########################] 100%  succeeded",
                ProgressBar.render(job("{\"state\":\"succeeded\",\"percent\":100}")));
    }

    @Test
    void anUnknownPercentAndOutOfRangeValuesStillRender() throws Exception {
        assertEquals("[                        ]   ?%  queued", ProgressBar.render(job("{\"state\":\"queued\"}")));
        assertEquals("[                        ]   ?%  copying  512 bytes",
                ProgressBar.render(job("{\"state\":\"running\",\"step\":\"copying\",\"done\":512,\"unit\":\"bytes\"}")));
        assertTrue(ProgressBar.render(job("{\"percent\":250}")).startsWith("[########################] 100%"));
        assertTrue(ProgressBar.render(job("{\"percent\":-3}")).startsWith("[........................]   0%"));
    }

    @Test
    void offATerminalALinePerStepAndPerTenth() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        for (int p = 0; p <= 30; p++) {
            bar.show(job("{\"state\":\"running\",\"step\":\"dumping\",\"percent\":" + p + "}"));
        }
        bar.show(job("{\"state\":\"running\",\"step\":\"signing\",\"percent\":30}"));
        bar.finish();
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(5, lines.length, String.join("|", lines)); // 0, 10, 20, 30 %, then the new step
        assertTrue(lines[4].contains("signing"), lines[4]);
    }

    @Test
    void onATerminalOneLineIsRedrawnInPlace() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), true);
        bar.show(job("{\"step\":\"a longer step name\",\"percent\":5}"));
        bar.show(job("{\"step\":\"short\",\"percent\":6}"));
        bar.finish();
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(2, text.chars().filter(c -> c == '\r').count());
        assertTrue(text.endsWith("\n") && text.indexOf('\n') == text.length() - 1, text);
        String last = text.substring(text.lastIndexOf('\r') + 1, text.length() - 1);
        assertEquals(ProgressBar.render(job("{\"step\":\"a longer step name\",\"percent\":5}")).length(), last.length(),
                "the shorter line blanks what the longer one left");
    }
}
