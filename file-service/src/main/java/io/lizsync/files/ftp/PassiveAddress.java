package io.lizsync.files.ftp;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The address a passive data connection goes to. A server behind NAT or in a container often
 * advertises an address that cannot be reached from here (its private, loopback or wildcard
 * address); the control connection's address is used instead. With {@code always}, the
 * control connection's address is used whatever the server says. A pure function.
 */
public final class PassiveAddress {

    private PassiveAddress() {
    }

    /** The host to open the data connection to, given the advertised one and the control connection's peer. */
    public static String choose(String advertised, InetAddress control, boolean always) {
        if (always) {
            return control.getHostAddress();
        }
        InetAddress given;
        try {
            given = literal(advertised);
        } catch (UnknownHostException e) {
            return control.getHostAddress();
        }
        if (given == null || given.isAnyLocalAddress() || given.isMulticastAddress()) {
            return control.getHostAddress();
        }
        if (given.isLoopbackAddress() && !control.isLoopbackAddress()) {
            return control.getHostAddress();
        }
        if ((given.isSiteLocalAddress() || given.isLinkLocalAddress())
                && !(control.isSiteLocalAddress() || control.isLinkLocalAddress() || control.isLoopbackAddress())) {
            return control.getHostAddress();
        }
        return advertised;
    }

    /** An IPv4 literal "a.b.c.d" without any name lookup; null for anything else. */
    private static InetAddress literal(String text) throws UnknownHostException {
        String[] parts = text == null ? new String[0] : text.split("\\.");
        if (parts.length != 4) {
            return null;
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            int v;
            try {
                v = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                return null;
            }
            if (v < 0 || v > 255) {
                return null;
            }
            bytes[i] = (byte) v;
        }
        return InetAddress.getByAddress(bytes);
    }
}
