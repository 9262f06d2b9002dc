package io.lizsync.cli;

import picocli.CommandLine.Option;

/** The options commands share, as picocli mixins. */
final class Options {

    private Options() {
    }

    /** Every command: the configuration file and the output format. */
    static final class Common {
        @Option(names = "--config", paramLabel = "FILE",
                description = "configuration file (default: $LIZSYNC_CONFIG, else ~/.config/lizsync/cli.conf)")
        String config;

        @Option(names = "--json", description = "print the answer as JSON on stdout (for scripts)")
        boolean json;
    }

    /** Commands that talk to the gateway. */
    static final class Gateway {
        @Option(names = "--gateway", paramLabel = "URL",
                description = "the gateway's base URL (default: $LIZSYNC_GATEWAY, the file's gateway, else "
                        + CliConfig.DEFAULT_GATEWAY + ")")
        String url;

        @Option(names = "--token", paramLabel = "lzt_...",
                description = "an API token (default: $LIZSYNC_API_TOKEN, the file's token, else the session of"
                        + " lizsync login); other users of this machine may see a command line: prefer the"
                        + " environment or the file")
        String token;
    }

    /** Commands that talk to a clone's sidecar over gRPC. */
    static final class Sidecar {
        @Option(names = "--sidecar", paramLabel = "HOST:PORT",
                description = "the clone's sidecar (default: $LIZSYNC_SIDECAR, the file's sidecar, else 127.0.0.1:8090)")
        String address;

        @Option(names = "--sidecar-token-file", paramLabel = "FILE",
                description = "the sidecar's local token (its state directory's local-token; default:"
                        + " $LIZSYNC_SIDECAR_TOKEN_FILE); without it the CLI sends your access token")
        String tokenFile;
    }
}
