package io.lizsync.sync.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback between a sidecar and central that can cut every connection once a
 * number of bytes went from central to the client: a link dropping in the middle of a stream.
 */
final class TcpProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicLong downstream = new AtomicLong();
    private final AtomicLong upstream = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicInteger cuts = new java.util.concurrent.atomic.AtomicInteger();
    private volatile long bytesAtCut = -1;
    private volatile long cutAfterBytes = Long.MAX_VALUE;
    private volatile boolean closed;

    TcpProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "tcp-proxy");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Cuts all connections once this many more bytes went from central to the client. */
    void cutAfter(long bytes) {
        downstream.set(0);
        bytesAtCut = -1;
        cutAfterBytes = bytes;
    }

    void heal() {
        cutAfterBytes = Long.MAX_VALUE;
    }

    long bytesToClient() {
        return downstream.get();
    }

    /** How many times the threshold cut the connections. */
    int cuts() {
        return cuts.get();
    }

    /** Bytes that went from central to the client (since {@link #cutAfter}) when it first cut; -1: not yet. */
    long bytesAtCut() {
        return bytesAtCut;
    }

    long bytesToServer() {
        return upstream.get();
    }

    void resetCounters() {
        downstream.set(0);
        upstream.set(0);
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream, false);
                pump(upstream, client, true);
            } catch (IOException e) {
                if (!closed) {
                    continue;
                }
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, boolean toClient) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    out.write(buf, 0, n);
                    out.flush();
                    if (!toClient) {
                        upstream.addAndGet(n);
                    }
                    if (toClient && downstream.addAndGet(n) >= cutAfterBytes) {
                        synchronized (this) {
                            if (cutAfterBytes != Long.MAX_VALUE && bytesAtCut < 0) {
                                bytesAtCut = downstream.get();
                                cuts.incrementAndGet();
                            }
                        }
                        cutAll();
                        return;
                    }
                }
            } catch (IOException ignored) {
                // the other side went away
            } finally {
                quietly(from);
                quietly(to);
            }
        }, "tcp-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private void cutAll() {
        for (Socket s : sockets) {
            quietly(s);
        }
        sockets.clear();
    }

    private static void quietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        cutAll();
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
