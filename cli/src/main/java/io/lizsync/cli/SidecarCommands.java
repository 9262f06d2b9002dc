package io.lizsync.cli;

import io.lizsync.proto.sync.v1.CloneAgentGrpc;
import io.lizsync.proto.sync.v1.GetCloneStatusRequest;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/**
 * What runs on the clone, asked of its sidecar over gRPC (works on a clone without network);
 * {@code synchronize} is {@link SynchronizeCommand} (directly, or requested through central).
 */
final class SidecarCommands {

    private SidecarCommands() {
    }

    abstract static class SidecarCommand implements Callable<Integer> {
        @ParentCommand
        LizsyncCommand root;
        @Mixin
        Options.Common common;
        @Mixin
        Options.Sidecar sidecar;
    }

    @Command(name = "clone-status", mixinStandardHelpOptions = true,
            description = "The clone's id, central, tools version, package, registration, unsynced edits, last sync.")
    static final class CloneStatus extends SidecarCommand {
        @Override
        public Integer call() throws IOException {
            CliContext ctx = root.context;
            var s = Sidecar.call(ctx, common, sidecar, "clone-status", ch -> CloneAgentGrpc.newBlockingStub(ch)
                    .withDeadlineAfter(30, TimeUnit.SECONDS).getCloneStatus(GetCloneStatusRequest.getDefaultInstance()));
            String lastSync = s.hasLastSync() ? Instant.ofEpochSecond(s.getLastSync().getSeconds(),
                    s.getLastSync().getNanos()).toString() : "never";
            Output o = ctx.output(common);
            if (o.json()) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("cloneId", s.getCloneId());
                doc.put("centralId", s.getCentralId());
                doc.put("toolsVersion", s.getToolsVersion());
                doc.put("packageId", s.getPackageId());
                doc.put("registered", s.getRegistered());
                doc.put("unsyncedEdits", s.getUnsyncedEdits());
                doc.put("lastSync", s.hasLastSync() ? lastSync : null);
                o.document(ctx.json.valueToTree(doc));
            } else {
                o.printf("clone id: %s%ncentral id: %s%ntools version: %s%npackage id: %s%nregistered: %s%n"
                        + "unsynced edits: %d%nlast sync: %s%n", s.getCloneId(), s.getCentralId(), s.getToolsVersion(),
                        s.getPackageId(), s.getRegistered(), s.getUnsyncedEdits(), lastSync);
            }
            return ExitCodes.OK;
        }
    }
}
