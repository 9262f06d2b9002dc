package io.lizsync.gateway.rest.access;

import io.lizsync.gateway.rest.Protos;
import io.lizsync.proto.registry.v1.User;
import java.time.Instant;
import java.util.List;

/** A user as the API shows it (never a password or its hash). */
public record UserView(String id, String login, String displayName, String email, List<String> roles,
        Instant createdAt, boolean disabled) {

    public static UserView of(User u) {
        return new UserView(u.getId(), u.getLogin(), Protos.text(u.getDisplayName()), Protos.text(u.getEmail()),
                List.copyOf(u.getRolesList()), Protos.time(u.getCreatedAt()), u.getDisabled());
    }
}
