package io.lizsync.gateway.config;

import io.lizsync.grpckit.tls.ListenerSecurity;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.ConfigProvider;

/** At start-up: beyond loopback this service serves TLS only, or it does not start (grpc-kit ListenerSecurity). */
@ApplicationScoped
public class ListenerCheck {

    void onStart(@Observes StartupEvent started) {
        var config = ConfigProvider.getConfig();
        ListenerSecurity.check(key -> config.getOptionalValue(key, String.class));
    }
}
