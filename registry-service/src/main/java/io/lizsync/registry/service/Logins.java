package io.lizsync.registry.service;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.lizsync.registry.config.RegistryConfig;
import io.lizsync.registry.error.TooManyAttemptsException;

/**
 * Throttles failed credentials: per login (Authenticate) and per address (Authenticate and
 * IssueAccessToken), with the limits of {@code lizsync.registry.logins}. A refused try costs no
 * hashing and says how long to wait, never whether the login exists.
 */
@ApplicationScoped
public class Logins {

    private final LoginThrottle byLogin;
    private final LoginThrottle byAddress;

    public Logins(RegistryConfig config) {
        this.byLogin = new LoginThrottle(config.logins().maxFailuresPerLogin(), config.logins().window());
        this.byAddress = new LoginThrottle(config.logins().maxFailuresPerAddress(), config.logins().window());
    }

    /** Fails with RESOURCE_EXHAUSTED while the login (may be null) or the address (may be null) must wait. */
    public synchronized void check(String login, String address) {
        Instant now = Instant.now();
        Optional<Duration> wait = address == null ? Optional.empty() : byAddress.waitFor(address, now);
        if (wait.isPresent()) {
            throw tooMany("from this address", wait.get());
        }
        wait = login == null ? Optional.empty() : byLogin.waitFor(login, now);
        if (wait.isPresent()) {
            throw tooMany("for this login", wait.get());
        }
    }

    public synchronized void failed(String login, String address) {
        Instant now = Instant.now();
        if (login != null) {
            byLogin.failed(login, now);
        }
        if (address != null) {
            byAddress.failed(address, now);
        }
    }

    public synchronized void succeeded(String login) {
        if (login != null) {
            byLogin.succeeded(login);
        }
    }

    private static TooManyAttemptsException tooMany(String where, Duration wait) {
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        return new TooManyAttemptsException("too many failed credentials " + where + "; try again in " + seconds + " s");
    }
}
