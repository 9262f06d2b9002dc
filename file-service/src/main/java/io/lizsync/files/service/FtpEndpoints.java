package io.lizsync.files.service;

import io.lizsync.files.config.FilesConfig;
import io.lizsync.files.ftp.FtpEndpoint;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The configured FTP endpoints by name, checked at start (an unknown TLS or passive mode stops
 * the service with a message naming the key). A request names one; it never carries an address
 * or a password.
 */
@ApplicationScoped
public class FtpEndpoints {

    private final Map<String, FtpEndpoint> byName = new TreeMap<>();

    FtpEndpoints(FilesConfig config) {
        config.ftp().endpoints().forEach((name, e) -> byName.put(name, endpoint(name, e)));
    }

    /** The endpoint {@code name}, or {@code fallback} when the request names none. */
    public FtpEndpoint get(String name, String fallback) {
        String n = name == null || name.isBlank() ? fallback : name.strip();
        FtpEndpoint e = byName.get(n);
        if (e == null) {
            throw new IllegalArgumentException("no FTP endpoint named \"" + printable(n) + "\" is configured (known: "
                    + (byName.isEmpty() ? "none" : String.join(", ", byName.keySet())) + ")");
        }
        return e;
    }

    static FtpEndpoint endpoint(String name, FilesConfig.Endpoint e) {
        String key = "lizsync.files.ftp.endpoints." + name + ".";
        FtpEndpoint.Tls tls = switch (e.tls().strip().toLowerCase(Locale.ROOT)) {
            case "explicit" -> FtpEndpoint.Tls.EXPLICIT;
            case "none" -> FtpEndpoint.Tls.NONE;
            default -> throw new IllegalStateException(key + "tls must be explicit or none");
        };
        FtpEndpoint.PassiveHost passive = switch (e.passiveHost().strip().toLowerCase(Locale.ROOT)) {
            case "auto" -> FtpEndpoint.PassiveHost.AUTO;
            case "control" -> FtpEndpoint.PassiveHost.CONTROL;
            default -> throw new IllegalStateException(key + "passive-host must be auto or control");
        };
        if (e.port() < 1 || e.port() > 65535) {
            throw new IllegalStateException(key + "port must be 1-65535");
        }
        return new FtpEndpoint(name, e.host(), e.port(), e.user(), e.passwordFile(), tls, e.trustFile(), e.passive(),
                passive, e.remoteDir(), e.connectTimeout(), e.dataTimeout());
    }

    private static String printable(String s) {
        String p = s.replaceAll("\\p{Cntrl}", "?");
        return p.length() > 64 ? p.substring(0, 64) + "…" : p;
    }
}
