package io.lizsync.files.ftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** MDTM times, part names, passive addresses and checksum replies. */
class WireFormatsTest {

    @Test
    void mdtmTimesAreUtc() {
        assertEquals(Optional.of(Instant.parse("2024-01-02T03:04:05Z")), MdtmTime.parseReply("213 20240102030405"));
        assertEquals(Optional.of(Instant.parse("2024-01-02T03:04:05.120Z")), MdtmTime.parseReply("213 20240102030405.12"));
        assertEquals(Optional.empty(), MdtmTime.parseReply("550 no such file"));
        assertEquals(Optional.empty(), MdtmTime.parse("20241302030405"));
        assertEquals(Optional.empty(), MdtmTime.parse("20240102030405."));
        assertEquals("20240102030405", MdtmTime.format(Instant.parse("2024-01-02T03:04:05.999Z")));
    }

    @Test
    void partNamesCarryTheSourcesSizeAndTime() {
        String part = PartNames.of("a.b.qgs", 1234, 1_700_000_000_123L);
        assertEquals(".a.b.qgs.1234-1700000000123.lizsync-part", part);
        assertTrue(PartNames.isPart(part));
        assertEquals(Optional.of(new PartNames.Part("a.b.qgs", 1234, 1_700_000_000_123L)), PartNames.parse(part));
        assertEquals(Optional.empty(), PartNames.parse(".x.lizsync-part"));
        assertFalse(PartNames.isPart("a.qgs"));
        assertEquals(100, PartNames.resumeOffset(100, 1000));
        assertEquals(0, PartNames.resumeOffset(1000, 1000), "a part as long as the source is not trusted");
        assertEquals(0, PartNames.resumeOffset(-1, 1000));
    }

    @Test
    void unroutablePassiveAddressesAreReplacedByTheControlConnections() throws Exception {
        InetAddress publicPeer = InetAddress.getByName("203.0.113.7");
        InetAddress lanPeer = InetAddress.getByName("192.168.1.20");
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        assertEquals("203.0.113.7", PassiveAddress.choose("10.0.0.5", publicPeer, false), "private behind NAT");
        assertEquals("203.0.113.7", PassiveAddress.choose("0.0.0.0", publicPeer, false));
        assertEquals("203.0.113.7", PassiveAddress.choose("127.0.0.1", publicPeer, false));
        assertEquals("198.51.100.1", PassiveAddress.choose("198.51.100.1", publicPeer, false), "a routable one is kept");
        assertEquals("192.168.1.30", PassiveAddress.choose("192.168.1.30", lanPeer, false), "same LAN");
        assertEquals("192.168.1.20", PassiveAddress.choose("172.17.0.2", lanPeer, true), "always: control");
        assertEquals("127.0.0.1", PassiveAddress.choose("not-an-address", loopback, false));
    }

    @Test
    void checksumRepliesAndFeatures() {
        assertEquals(Optional.of(Checksums.Method.HASH_SHA256), Checksums.choose(List.of("MDTM", "HASH SHA-1*;SHA-256;MD5")));
        assertEquals(Optional.of(Checksums.Method.XMD5), Checksums.choose(List.of("XMD5", "XCRC")));
        assertEquals(Optional.empty(), Checksums.choose(List.of("MDTM", "SIZE")));
        assertEquals(Optional.of("ab12"), Checksums.digest(Checksums.Method.HASH_SHA256, "213 SHA-256 0-49 AB12 file.txt"));
        assertEquals(Optional.empty(), Checksums.digest(Checksums.Method.HASH_SHA256, "213 MD5 0-49 ab12 file.txt"));
        assertEquals(Optional.of("0123abcd"), Checksums.digest(Checksums.Method.XCRC, "250 0123ABCD"));
        assertEquals(Optional.empty(), Checksums.digest(Checksums.Method.XMD5, "550 nope"));
        // Apache FtpServer's FEAT and MD5 reply (the name quoted when it holds a space)
        assertEquals(Optional.of(Checksums.Method.MD5), Checksums.choose(List.of("MDTM", "MD5", "MMD5", "MFMT")));
        assertEquals(Optional.of(Checksums.Method.XMD5), Checksums.choose(List.of("MD5", "XMD5")));
        assertEquals(Optional.of("5d41402abc4b2a76b9719d911017c592"),
                Checksums.digest(Checksums.Method.MD5, "251 \"/a b/c.txt\" 5D41402ABC4B2A76B9719D911017C592"));
        assertEquals(Optional.empty(), Checksums.digest(Checksums.Method.MD5, "504 /a.txt"));
        assertEquals(Optional.empty(), Checksums.digest(Checksums.Method.MD5, "251 5D41402ABC4B2A76B9719D911017C592"));
    }
}
