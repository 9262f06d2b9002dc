package io.lizsync.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Server-sent events as the jobs stream sends them. */
class SseParserTest {

    private List<String> events(String stream) throws IOException {
        List<String> events = new ArrayList<>();
        new SseParser().read(new BufferedReader(new StringReader(stream)), e -> events.add(e));
        return events;
    }

    @Test
    void anEventEndsAtTheBlankLineAndJoinsItsDataLines() throws IOException {
        assertEquals(List.of("{\"state\":\"queued\"}", "{\"state\":\n\"running\"}", "third"),
                events("data: {\"state\":\"queued\"}\n\ndata: {\"state\":\ndata:\"running\"}\n\ndata:third\r\n\r\n"));
    }

    @Test
    void commentsOtherFieldsAndEventsWithoutDataAreDropped() throws IOException {
        assertEquals(List.of("x"), events(": keep-alive\n\nevent: job\nid: 7\nretry: 1000\n\nid: 8\ndata: x\n\n"));
    }

    @Test
    void anEventStillOpenAtTheEndOfTheStreamIsDropped() throws IOException {
        assertEquals(List.of("done"), events("data: done\n\ndata: cut short"));
    }

    @Test
    void onlyOneLeadingSpaceIsRemovedAndAFieldWithoutColonIsAName() {
        SseParser p = new SseParser();
        assertNull(p.line("data:  two spaces"));
        assertNull(p.line("data"));
        assertEquals(" two spaces\n", p.line(""));
    }

    @Test
    void readingStopsWhenTheConsumerSaysSo() throws IOException {
        List<String> seen = new ArrayList<>();
        new SseParser().read(new BufferedReader(new StringReader("data: a\n\ndata: b\n\ndata: c\n\n")), e -> {
            seen.add(e);
            return !e.equals("b");
        });
        assertEquals(List.of("a", "b"), seen);
    }
}
