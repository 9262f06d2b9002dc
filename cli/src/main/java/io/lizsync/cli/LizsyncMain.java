package io.lizsync.cli;

import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;

/** The CLI's entry point: picocli with the CLI's own handlers (exit codes, streams, environment). */
@QuarkusMain
public class LizsyncMain implements QuarkusApplication {

    @Override
    public int run(String... args) {
        return LizsyncCommand.run(CliContext.system(), args);
    }
}
