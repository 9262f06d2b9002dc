package io.lizsync.grpckit.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lizsync.grpckit.tls.LinkSecurity.Mode;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LinkSecurityTest {

    static final LinkSecurity DEFAULT = new LinkSecurity(Optional.empty(), false);

    @Test
    void onlyALinkThatStaysOnTheMachineIsPlainByDefault() {
        assertEquals(Mode.PLAINTEXT_LOCAL, DEFAULT.mode("127.0.0.1"));
        assertEquals(Mode.PLAINTEXT_LOCAL, DEFAULT.mode("127.10.0.3"));
        assertEquals(Mode.PLAINTEXT_LOCAL, DEFAULT.mode("localhost"));
        assertEquals(Mode.PLAINTEXT_LOCAL, DEFAULT.mode("[::1]"));
        assertEquals(Mode.TLS, DEFAULT.mode("central.example.org"));
        assertEquals(Mode.TLS, DEFAULT.mode("10.0.0.5"));
        assertEquals(Mode.TLS, DEFAULT.mode("127.0.0.1.example.org"), "a name, not a literal");
        assertEquals(Mode.TLS, DEFAULT.mode("localhost.example.org"));
        assertEquals(Mode.TLS, DEFAULT.mode("127.0.0.256"));
        assertEquals(Mode.TLS, DEFAULT.mode(""));
    }

    @Test
    void aCaFileMeansTlsEvenOnLoopbackAndTheInsecureSwitchIsNeededForPlainTextBeyondIt() {
        var withCa = new LinkSecurity(Optional.of(Path.of("/etc/lizsync/ca.crt")), true);
        assertEquals(Mode.TLS, withCa.mode("127.0.0.1"));
        assertEquals(Mode.TLS, withCa.mode("central.example.org"));
        var insecure = new LinkSecurity(Optional.empty(), true);
        assertEquals(Mode.PLAINTEXT_INSECURE, insecure.mode("central.example.org"));
        assertEquals(Mode.PLAINTEXT_LOCAL, insecure.mode("127.0.0.1"));
    }

    @Test
    void anUnreadableCaFileIsAnErrorNamingTheLinkNotASilentFallBack() {
        var missing = new LinkSecurity(Optional.of(Path.of("/nonexistent/ca.crt")), false);
        var e = assertThrows(IllegalStateException.class, () -> missing.credentials("127.0.0.1", "central (X)"));
        assertTrue(e.getMessage().contains("central (X)"), e.getMessage());
    }

    @Test
    void aListenerBeyondLoopbackServesTlsOnlyOrDoesNotStart() {
        assertTrue(ListenerSecurity.refusal("127.0.0.1", false, "enabled", false).isEmpty());
        assertTrue(ListenerSecurity.refusal("0.0.0.0", true, "disabled", false).isEmpty());
        String none = ListenerSecurity.refusal("0.0.0.0", false, "enabled", false).orElseThrow();
        assertTrue(none.contains("no certificate") && none.contains("QUARKUS_HTTP_SSL_CERTIFICATE_FILES"), none);
        String both = ListenerSecurity.refusal("10.1.2.3", true, "enabled", false).orElseThrow();
        assertTrue(both.contains("also serves plain text"), both);
        assertTrue(ListenerSecurity.refusal("0.0.0.0", false, "enabled", true).isEmpty(), "the test bench switch");

        Map<String, String> open = Map.of("quarkus.http.host", "0.0.0.0");
        assertThrows(IllegalStateException.class, () -> ListenerSecurity.check(k -> Optional.ofNullable(open.get(k))));
        Map<String, String> tls = Map.of("quarkus.http.host", "0.0.0.0", "quarkus.http.ssl.certificate.files", "/c.crt",
                "quarkus.http.insecure-requests", "disabled");
        ListenerSecurity.check(k -> Optional.ofNullable(tls.get(k)));
        assertFalse(ListenerSecurity.refusal("0.0.0.0", true, "DISABLED", false).isPresent());
    }
}
