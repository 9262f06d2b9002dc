package io.lizsync.gateway.config;

import io.lizsync.grpckit.auth.AccessTokens;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/** What the gateway cannot serve without is checked at start, not at the first request: the access token key. */
public class StartupChecks {

    @Inject
    AccessTokens.Verifier verifier;

    void onStart(@Observes StartupEvent event) {
        // Reading the key: a missing or bad file stops the start with the setting to fix.
        verifier.toString();
    }
}
