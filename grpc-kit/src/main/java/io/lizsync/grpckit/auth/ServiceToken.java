package io.lizsync.grpckit.auth;

import io.grpc.CallCredentials;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * A service's own access token (role {@link Roles#SERVICE}) for the calls it makes to another
 * service: obtained by exchanging the service's API token (a Secret) at registry-service, kept
 * until {@link #MARGIN} before it expires, then exchanged again. The exchange itself is the
 * caller's ({@code exchange}); this class only decides when to ask. Thread-safe; one exchange at a
 * time.
 */
public final class ServiceToken implements Supplier<String> {

    /** Renew this long before expiry, so that a call never leaves with a token about to lapse. */
    public static final Duration MARGIN = Duration.ofSeconds(60);

    /** A token and when it stops being valid. */
    public record Issued(String token, Instant expiresAt) {
    }

    private final Supplier<Issued> exchange;
    private final Clock clock;
    private Issued current;

    public ServiceToken(Supplier<Issued> exchange) {
        this(exchange, Clock.systemUTC());
    }

    ServiceToken(Supplier<Issued> exchange, Clock clock) {
        this.exchange = exchange;
        this.clock = clock;
    }

    /** The current token, exchanged first when there is none or it is about to expire. */
    @Override
    public synchronized String get() {
        if (current == null || !clock.instant().plus(MARGIN).isBefore(current.expiresAt())) {
            current = exchange.get();
        }
        return current.token();
    }

    /** Forgets the token (a service refused it, say after registry's keys changed): the next call exchanges again. */
    public synchronized void invalidate() {
        current = null;
    }

    /**
     * The current token as call credentials ({@code authorization: Bearer}) for the next call,
     * obtained now, on the caller's thread: an exchange is itself a blocking call, which must never
     * run where a call's metadata is applied (a transport thread, which would then wait on itself).
     */
    public CallCredentials credentials() {
        return BearerCredentials.of(get());
    }
}
