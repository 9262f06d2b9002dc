package io.lizsync.gateway.auth;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lizsync.gateway.config.GatewayConfig;
import io.lizsync.grpckit.auth.AccessTokens;
import io.lizsync.grpckit.auth.Caller;
import io.lizsync.grpckit.auth.InvalidTokenException;
import io.lizsync.proto.registry.v1.IssueAccessTokenRequest;
import io.lizsync.proto.registry.v1.RegistryService;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.security.AuthenticationFailedException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a REST caller's credential into the {@link Caller} of a verified access token, which the
 * gateway then sends on to the services (they check it again). An access token is verified here
 * with the registry's public key; an API token or a session is exchanged at the registry
 * ({@code IssueAccessToken}) and the answer kept, by the SHA-256 of the credential, until a minute
 * before the access token expires: a script's repeated calls cost one registry call per ten
 * minutes. A revoked API token therefore works until its last access token expires (as anywhere
 * in the mesh); a logout forgets its session at once.
 */
@ApplicationScoped
public class CredentialExchange {

    static final Duration MARGIN = Duration.ofSeconds(60);

    @GrpcClient("registry")
    RegistryService registry;

    private final AccessTokens.Verifier verifier;
    private final int capacity;
    private final Clock clock = Clock.systemUTC();
    private final Map<String, Caller> exchanged = new ConcurrentHashMap<>();

    @Inject
    public CredentialExchange(AccessTokens.Verifier verifier, GatewayConfig config) {
        this.verifier = verifier;
        this.capacity = config.credentialCacheSize();
    }

    /** The caller a credential stands for; fails with AuthenticationFailedException when it is not valid. */
    public Uni<Caller> callerFor(Credential credential) {
        if (credential.kind() == Credential.Kind.ACCESS_TOKEN) {
            return Uni.createFrom().item(() -> verify(credential.secret()));
        }
        String key = key(credential.secret());
        Caller known = exchanged.get(key);
        if (known != null && clock.instant().plus(MARGIN).isBefore(known.expiresAt())) {
            return Uni.createFrom().item(known);
        }
        IssueAccessTokenRequest.Builder req = IssueAccessTokenRequest.newBuilder();
        if (credential.kind() == Credential.Kind.API_TOKEN) {
            req.setApiToken(credential.secret());
        } else {
            req.setSessionToken(credential.secret());
        }
        return registry.issueAccessToken(req.build())
                .onFailure(CredentialExchange::refusal).transform(e -> new AuthenticationFailedException(
                        ((StatusRuntimeException) e).getStatus().getDescription()))
                .map(token -> {
                    Caller caller = verify(token.getToken());
                    remember(key, caller);
                    return caller;
                });
    }

    /** Forgets what a credential was exchanged for (its session was closed). */
    public void forget(String secret) {
        exchanged.remove(key(secret));
    }

    private void remember(String key, Caller caller) {
        if (exchanged.size() >= capacity) {
            exchanged.values().removeIf(c -> !clock.instant().plus(MARGIN).isBefore(c.expiresAt()));
            if (exchanged.size() >= capacity) {
                exchanged.clear();
            }
        }
        exchanged.put(key, caller);
    }

    private Caller verify(String token) {
        try {
            return verifier.verify(token);
        } catch (InvalidTokenException e) {
            throw new AuthenticationFailedException("access token refused: " + e.getMessage());
        }
    }

    /** The registry's answers that mean "this credential is not valid" (others stay what they are: 503, 500). */
    private static boolean refusal(Throwable e) {
        if (!(e instanceof StatusRuntimeException s)) {
            return false;
        }
        Status.Code c = s.getStatus().getCode();
        return c == Status.Code.UNAUTHENTICATED || c == Status.Code.PERMISSION_DENIED || c == Status.Code.INVALID_ARGUMENT;
    }

    private static String key(String secret) {
        try {
            return Base64.getEncoder().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
