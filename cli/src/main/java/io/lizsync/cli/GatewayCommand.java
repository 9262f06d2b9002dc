package io.lizsync.cli;

import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** A command that talks to the gateway: the shared options and the client for them. */
abstract class GatewayCommand implements Callable<Integer> {
    @ParentCommand
    LizsyncCommand root;
    @Mixin
    Options.Common common;
    @Mixin
    Options.Gateway gateway;

    CliContext ctx() {
        return root.context;
    }

    GatewayClient gw() throws IOException {
        return root.context.gateway(common, gateway);
    }

    Output out() {
        return root.context.output(common);
    }
}
