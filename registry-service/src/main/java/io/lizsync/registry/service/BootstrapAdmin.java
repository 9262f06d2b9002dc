package io.lizsync.registry.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.lizsync.registry.config.RegistryConfig;
import io.lizsync.registry.model.Role;
import io.lizsync.registry.repository.UserRoleRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;

/**
 * Makes the first administrator at start-up, from {@code lizsync.registry.bootstrap}, while no user
 * holds the administrator role: the one way into a new registry (every other call needs an access
 * token). The password comes from a file (a Kubernetes Secret, or the local run's throwaway one)
 * and is never logged.
 */
@ApplicationScoped
public class BootstrapAdmin {

    private static final Logger LOG = Logger.getLogger(BootstrapAdmin.class);

    void onStart(@Observes StartupEvent event, RegistryConfig config, UserService users, UserRoleRepository userRoles)
            throws Throwable {
        if (config.bootstrap().adminPasswordFile().isEmpty()) {
            return;
        }
        Path file = config.bootstrap().adminPasswordFile().get();
        String password;
        try {
            password = Files.readAllLines(file).stream().findFirst().orElse("").strip();
        } catch (IOException e) {
            throw new UncheckedIOException("registry-service cannot read the first administrator's password file "
                    + file + " (lizsync.registry.bootstrap.admin-password-file)", e);
        }
        String login = config.bootstrap().adminLogin();
        boolean made = VertxContextSupport.subscribeAndAwait(() -> Panache.withSession(
                () -> userRoles.anyHolds(Role.ADMINISTRATOR)).chain(present -> present
                        ? io.smallrye.mutiny.Uni.createFrom().item(false)
                        : users.create(new UserService.NewUser(login, password, "Administrator", "",
                                List.of(Role.ADMINISTRATOR))).map(u -> true)));
        if (made) {
            LOG.infof("made the first administrator, login '%s' (password from %s)", login, file);
        }
    }
}
