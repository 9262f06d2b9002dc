package io.lizsync.cli;

import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import picocli.CommandLine;

/**
 * The CLI's entry point: the root command created by CDI (quarkus-picocli), its subcommands by the
 * extension's factory, with the CLI's own handlers (exit codes, streams, environment).
 */
@QuarkusMain
public class LizsyncMain implements QuarkusApplication {

    @Inject
    CommandLine.IFactory factory;

    @Inject
    LizsyncCommand root;

    @Override
    public int run(String... args) {
        return LizsyncCommand.commandLine(root, factory).execute(args);
    }

    /** The process's streams and environment, for the root command. */
    @Produces
    @Singleton
    static CliContext context() {
        return CliContext.system();
    }
}
