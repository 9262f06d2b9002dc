package io.lizsync.cli;

import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A clone's sidecar over gRPC (what runs on the clone: deploy, synchronize, status, attach), with
 * its local token ({@code --sidecar-token-file}, on the clone's machine, no network needed) or the
 * caller's access token ({@link AccessTokens}).
 */
final class Sidecar {

    /** A call on the sidecar's channel. */
    interface Call<T> {
        T run(ManagedChannel channel) throws IOException;
    }

    private Sidecar() {
    }

    /** The local token file given ({@code --sidecar-token-file}, else the environment); null when none. */
    static String tokenFile(CliContext ctx, Options.Sidecar opts) {
        String f = opts.tokenFile != null ? opts.tokenFile : ctx.env.getOrDefault("LIZSYNC_SIDECAR_TOKEN_FILE", "");
        return f.isBlank() ? null : f;
    }

    /** Where the sidecar is, and whether it was named at all (flag, environment or file) rather than defaulted. */
    static String address(CliContext ctx, Options.Common common, Options.Sidecar opts) {
        return ctx.config(common).address("sidecar", opts.address, ctx.env);
    }

    static boolean named(CliContext ctx, Options.Common common, Options.Sidecar opts) {
        return opts.address != null || !ctx.env.getOrDefault("LIZSYNC_SIDECAR", "").isBlank()
                || ctx.config(common).hasValue("sidecar");
    }

    static <T> T call(CliContext ctx, Options.Common common, Options.Sidecar opts, String command, Call<T> work)
            throws IOException {
        String target = address(ctx, common, opts);
        String file = tokenFile(ctx, opts);
        ClientInterceptor credential = file != null ? bearer(localToken(Path.of(file)))
                : bearerOrNull(AccessTokens.forSidecar(ctx, common, new Options.Gateway()));
        ManagedChannel channel = Channels.open(target, credential, Channels.security(ctx.env));
        try {
            return work.run(channel);
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.UNAVAILABLE) {
                ctx.err.println("lizsync: cannot reach the sidecar at " + target);
            } else if (e.getStatus().getCode() == Status.Code.UNAUTHENTICATED && file == null) {
                ctx.err.println("lizsync: log in (lizsync login), set LIZSYNC_API_TOKEN, or on the clone's machine"
                        + " give the sidecar's local token (--sidecar-token-file)");
            }
            throw Channels.explain(e, "sidecar", target, command);
        } finally {
            channel.shutdownNow();
        }
    }

    /** The sidecar's local token, read from {@code file} (never shown). */
    static String localToken(Path file) throws IOException {
        try {
            return Files.readString(file).strip();
        } catch (java.nio.file.AccessDeniedException e) {
            throw new UsageException("cannot read the sidecar's local token " + file
                    + ": run as the sidecar's user (the file is readable by it only)");
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UsageException("no sidecar local token at " + file
                    + " (it is local-token in the sidecar's state directory, LIZSYNC_SYNC_STATE_DIR)");
        }
    }

    private static ClientInterceptor bearerOrNull(String token) {
        return token == null ? null : bearer(token);
    }

    private static ClientInterceptor bearer(String token) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }
}
