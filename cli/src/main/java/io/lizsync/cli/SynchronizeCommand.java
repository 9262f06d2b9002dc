package io.lizsync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.lizsync.proto.sync.v1.CloneAgentGrpc;
import io.lizsync.proto.sync.v1.SynchronizeRequest;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The seed's "synchronize", two ways. Through central ({@code --clone ID-OR-NAME}): the gateway
 * queues a sync job that the clone's next session runs as (its sidecar is behind NAT: central
 * cannot call it), followed here with a progress bar (ADR 0019). Directly (no {@code --clone}):
 * the local sidecar's Synchronize, now (same as {@code SELECT * FROM lizsync.synchronize()}).
 */
@Command(name = "synchronize", mixinStandardHelpOptions = true,
        description = "A two-way sync of a clone: through central (--clone ID-OR-NAME: a job its next session runs,"
                + " followed with a progress bar; --no-wait returns the job at once), or now on the local sidecar"
                + " (no --clone; same as SELECT * FROM lizsync.synchronize()).")
final class SynchronizeCommand extends GatewayCommand {

    @Mixin
    Options.Sidecar sidecar;
    @Option(names = "--clone", paramLabel = "ID-OR-NAME",
            description = "the clone, by id or by name: the sync is requested through the gateway")
    String clone;
    @Option(names = "--no-wait", description = "through central: print the job and return at once (job-follow follows it)")
    boolean noWait;

    @Override
    public Integer call() throws IOException {
        if (clone == null) {
            if (noWait) {
                throw new UsageException("--no-wait applies to a sync requested through central (--clone ID-OR-NAME)");
            }
            return direct();
        }
        if (sidecar.address != null || sidecar.tokenFile != null) {
            throw new UsageException("--clone requests the sync through the gateway; --sidecar and --sidecar-token-file"
                    + " run it on a sidecar now: give one or the other");
        }
        return throughCentral();
    }

    /** POST /api/v1/clones/{id}/sync: a queued job its next session runs as, followed to its end. */
    private int throughCentral() throws IOException {
        GatewayClient gw = gw();
        String cloneId = Ids.isUuid(clone.strip()) ? Ids.uuid("--clone", clone.strip(), "a clone id")
                : cloneIdOf(Pages.collect(gw, CloneCommands.CLONES, null, ctx().err, "clones"), clone.strip());
        JsonNode job = gw.post(CloneCommands.CLONES + "/" + cloneId + "/sync", null, GatewayClient.SHORT);
        Output o = out();
        var followed = JobCommands.follow(ctx(), o, gw, job, noWait, "sync job " + Output.text(job, "id")
                + ": the clone's next session runs it (its schedule, lizsync.synchronize() or a direct synchronize)");
        JsonNode done = followed.done();
        if (done == null) {
            return followed.exit();
        }
        if (o.json()) {
            o.document(done);
        } else {
            o.line("OK: " + Output.text(done, "message"));
        }
        return ExitCodes.OK;
    }

    /**
     * The id of the clone named {@code name} among {@code clones} (the gateway's list); a name no
     * clone has is unknown, one that several clones have must be given as an id.
     */
    static String cloneIdOf(List<JsonNode> clones, String name) {
        List<String> ids = clones.stream().filter(c -> c.path("name").asText("").equals(name))
                .map(c -> c.path("id").asText()).toList();
        if (ids.isEmpty()) {
            throw new ApiException(new Problem(404, "Not Found", "no clone is named " + name
                    + " (lizsync clones lists them)", List.of()));
        }
        if (ids.size() > 1) {
            throw new UsageException("several clones are named " + name + ": give its id (" + String.join(", ", ids)
                    + ")");
        }
        return ids.get(0);
    }

    /** The sidecar's Synchronize, now. */
    private int direct() throws IOException {
        CliContext ctx = ctx();
        var r = Sidecar.call(ctx, common, sidecar, "synchronize", ch -> CloneAgentGrpc.newBlockingStub(ch)
                .withDeadlineAfter(30, TimeUnit.MINUTES).synchronize(SynchronizeRequest.getDefaultInstance()));
        Output o = out();
        if (o.json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("status", r.getStatus());
            doc.put("numberReplayedToCentral", r.getNumberReplayedToCentral());
            doc.put("numberReplayedToClone", r.getNumberReplayedToClone());
            doc.put("numberConflicts", r.getNumberConflicts());
            doc.put("durationMs", r.getDurationMs());
            o.document(ctx.json.valueToTree(doc));
        } else {
            o.printf("number_replayed_to_central: %d%nnumber_replayed_to_clone: %d%nnumber_conflicts: %d%n"
                    + "duration: %d ms%n", r.getNumberReplayedToCentral(), r.getNumberReplayedToClone(),
                    r.getNumberConflicts(), r.getDurationMs());
        }
        return r.getStatus() == 1 ? ExitCodes.OK : ExitCodes.FAILED;
    }
}
