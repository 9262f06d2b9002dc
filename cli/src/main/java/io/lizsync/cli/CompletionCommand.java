package io.lizsync.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** The bash (and zsh) completion script picocli generates for every command and option. */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = "Print the bash completion script: source <(lizsync completion), or save it in"
                + " /etc/bash_completion.d/lizsync. It completes the command name lizsync (alias lizsync='java -jar"
                + " .../quarkus-run.jar').")
final class CompletionCommand implements Callable<Integer> {

    @ParentCommand
    LizsyncCommand root;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        root.context.out.print(AutoComplete.bash("lizsync", spec.parent().commandLine()));
        root.context.out.flush();
        return ExitCodes.OK;
    }
}
