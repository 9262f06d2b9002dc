package io.lizsync.files.ftp;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * Times of RFC 3659 ({@code MDTM} replies, {@code MFMT} arguments, MLSD's {@code modify} fact):
 * {@code YYYYMMDDHHMMSS[.sss]}, always UTC. Pure functions.
 */
public final class MdtmTime {

    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

    private MdtmTime() {
    }

    /** The time of an MDTM reply ("213 20240102030405" or "213 20240102030405.123"); empty when it is not one. */
    public static Optional<Instant> parseReply(String reply) {
        if (reply == null) {
            return Optional.empty();
        }
        String r = reply.strip();
        if (r.startsWith("213")) {
            r = r.substring(3).strip();
        }
        return parse(r);
    }

    /** The time of {@code YYYYMMDDHHMMSS[.fraction]}; empty for anything else. */
    public static Optional<Instant> parse(String value) {
        if (value == null || value.length() < 14) {
            return Optional.empty();
        }
        String main = value.substring(0, 14);
        if (!main.chars().allMatch(Character::isDigit)) {
            return Optional.empty();
        }
        try {
            Instant t = LocalDateTime.parse(main, SECONDS).toInstant(ZoneOffset.UTC);
            if (value.length() > 14) {
                if (value.charAt(14) != '.' || value.length() == 15 || !value.substring(15).chars().allMatch(Character::isDigit)) {
                    return Optional.empty();
                }
                String fraction = (value.substring(15) + "000000000").substring(0, 9);
                t = t.plusNanos(Long.parseLong(fraction));
            }
            return Optional.of(t);
        } catch (java.time.DateTimeException e) {
            return Optional.empty();
        }
    }

    /** {@code YYYYMMDDHHMMSS} in UTC (MFMT's argument). */
    public static String format(Instant t) {
        return SECONDS.format(LocalDateTime.ofInstant(t, ZoneOffset.UTC));
    }
}
