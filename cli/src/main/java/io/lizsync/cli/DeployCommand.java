package io.lizsync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lizsync.proto.sync.v1.CloneAgentGrpc;
import io.lizsync.proto.sync.v1.DeployProgress;
import io.lizsync.proto.sync.v1.DeployRequest;
import io.lizsync.proto.sync.v1.GetCloneStatusRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The seed's "Deploy a database package to the clone", two ways. Through central: {@code --clone
 * ID --package-id ID} and no sidecar address, a job at the gateway that the clone's sidecar picks
 * up at its next contact. Directly: the clone's sidecar ({@code --sidecar}, {@code $LIZSYNC_SIDECAR}
 * or the file's), by package id (the sidecar downloads it through central's exchange with the
 * registration ticket this command asks the gateway for) or from a ZIP in the sidecar's import
 * folder (a clone without network: the sidecar's local token and a ticket carried with the ZIP).
 */
@Command(name = "deploy", mixinStandardHelpOptions = true,
        description = "Deploy a package to a clone: through central (--clone ID --package-id ID, no sidecar address: a"
                + " job the clone's sidecar picks up at its next contact), or directly on the clone's sidecar"
                + " (--sidecar, $LIZSYNC_SIDECAR) by package id or from a ZIP in its import folder.")
final class DeployCommand extends GatewayCommand {

    static final long DEPLOY_HOURS = 6;

    static final class What {
        @Option(names = "--package-id", required = true, paramLabel = "ID", description = "a package at central")
        String packageId;
        @Option(names = "--zip-file", required = true, paramLabel = "PATH",
                description = "a package ZIP in the sidecar's import folder, as the clone's machine sees it")
        String zipFile;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    What what;
    @Mixin
    Options.Sidecar sidecar;
    @Option(names = "--clone", paramLabel = "ID", description = "the clone (through central: required; directly: checked"
            + " against the sidecar's)")
    String clone;
    @Option(names = "--name", paramLabel = "CLONE_NAME", description = "the clone's name at the registry (a new clone)")
    String name;
    @Option(names = "--force", description = "deploy even over unsynced edits (their count is printed)")
    boolean force;
    @Option(names = "--new-server-id", description = "give the clone a new server id (directly only)")
    boolean newServerId;
    @Option(names = "--registration-ticket-file", paramLabel = "FILE",
            description = "the ticket to register with (its first line), made beforehand with registration-ticket")
    String ticketFile;
    @Option(names = "--no-wait", description = "through central: print the job's id and return at once")
    boolean noWait;

    @Override
    public Integer call() throws IOException {
        String cloneId = clone == null ? null : Ids.uuid("--clone", clone, "a clone id");
        boolean direct = what.zipFile != null || cloneId == null || Sidecar.named(ctx(), common, sidecar);
        return direct ? direct(cloneId) : throughCentral(cloneId);
    }

    /** POST /api/v1/clones/{id}/assignment: a deploy job at central, followed to its end. */
    private int throughCentral(String cloneId) throws IOException {
        if (newServerId || ticketFile != null || name != null) {
            throw new UsageException("--name, --new-server-id and --registration-ticket-file apply to a deploy on the"
                    + " sidecar (--sidecar HOST:PORT); through central the clone keeps its id and name");
        }
        String packageId = Ids.uuid("--package-id", what.packageId, "a package id");
        GatewayClient gw = gw();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("packageId", packageId);
        body.put("force", force);
        JsonNode job = gw.post("/api/v1/clones/" + cloneId + "/assignment", body, GatewayClient.SHORT);
        Output o = out();
        var followed = JobCommands.follow(ctx(), o, gw, job, noWait, "deploy job " + Output.text(job, "id")
                + ": the clone's sidecar picks it up at its next contact");
        JsonNode done = followed.done();
        if (done == null) {
            return followed.exit();
        }
        if (o.json()) {
            o.document(done);
        } else {
            o.line("OK: " + (Output.text(done, "message").isEmpty() ? "package " + packageId + " deployed on clone "
                    + cloneId : Output.text(done, "message")));
        }
        return ExitCodes.OK;
    }

    /** The sidecar's Deploy, with a registration ticket. */
    private int direct(String expectedClone) throws IOException {
        boolean byId = what.packageId != null;
        var request = DeployRequest.newBuilder().setForce(force).setNewServerId(newServerId)
                .setCloneName(name == null ? "" : name);
        // the sidecar reads the file on the clone's machine: send an absolute path
        Path zip = byId ? null : Path.of(what.zipFile).toAbsolutePath().normalize();
        String packageId;
        if (byId) {
            packageId = Ids.uuid("--package-id", what.packageId, "a package id");
            request.setPackageId(packageId);
        } else {
            packageId = null;
            request.setZipPath(zip.toString());
        }
        request.setRegistrationTicket(ticket(packageId, zip, expectedClone)); // never printed
        if (zip != null && !Files.isRegularFile(zip)) {
            ctx().err.println("lizsync: note: " + zip + " is not a file here; the sidecar looks for it on its machine");
        }
        ProgressBar bar = new ProgressBar(ctx().err, ctx().terminal);
        DeployProgress last = Sidecar.call(ctx(), common, sidecar, "deploy", ch -> {
            Iterator<DeployProgress> steps = CloneAgentGrpc.newBlockingStub(ch)
                    .withDeadlineAfter(DEPLOY_HOURS, TimeUnit.HOURS).deploy(request.build());
            try {
                while (steps.hasNext()) {
                    DeployProgress p = steps.next();
                    if (p.getDone()) {
                        return p;
                    }
                    ObjectNode shown = ctx().json.createObjectNode().put("percent", p.getPercent()).put("step", p.getStep());
                    bar.show(shown);
                }
                return null;
            } finally {
                bar.finish();
            }
        });
        if (last == null) {
            throw new CliFailure("the deploy ended without a final message; see clone-status");
        }
        boolean ok = last.getStatus() == 1;
        Output o = out();
        if (o.json()) {
            o.document(ctx().json.valueToTree(Map.of("status", last.getStatus(), "message", last.getMessage(),
                    "cloneId", last.getCloneId(), "discardedEdits", last.getDiscardedEdits())));
        } else {
            o.line((ok ? "OK: " : "REFUSED: ") + last.getMessage());
            if (last.getDiscardedEdits() > 0) {
                o.line("discarded edits: " + last.getDiscardedEdits());
            }
            if (!last.getCloneId().isEmpty()) {
                o.line("clone id: " + last.getCloneId());
            }
        }
        return ok ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /**
     * The ticket the deploy carries: the one in {@code --registration-ticket-file}, else none with
     * the sidecar's local token (said on stderr), else one asked of the gateway.
     */
    private String ticket(String packageId, Path zip, String expectedClone) throws IOException {
        if (ticketFile != null) {
            return Tickets.readFile(ticketFile);
        }
        if (Sidecar.tokenFile(ctx(), sidecar) != null) {
            ctx().err.println("lizsync: note: deploying with the sidecar's local token and no --registration-ticket-file:"
                    + " the clone is not registered with central and cannot sync until it is deployed with a"
                    + " registration ticket (lizsync registration-ticket, run where the gateway is reachable)");
            return "";
        }
        String id = packageId != null ? packageId : zipPackageId(zip);
        String sidecarCloneId = sidecarCloneId();
        if (expectedClone != null && !sidecarCloneId.isEmpty() && !sidecarCloneId.equalsIgnoreCase(expectedClone)) {
            throw new UsageException("--clone " + expectedClone + " but the sidecar at "
                    + Sidecar.address(ctx(), common, sidecar) + " holds clone " + sidecarCloneId);
        }
        GatewayClient gw = gw();
        String knownName = sidecarCloneId.isEmpty() || newServerId ? null : knownName(gw, sidecarCloneId);
        Tickets.Target target = Tickets.target(name == null ? "" : name.strip(), newServerId, sidecarCloneId, knownName);
        JsonNode pkg = gw.get(PackageCommands.PACKAGES + "/" + id);
        JsonNode t = Tickets.issue(gw, target.name(), target.cloneId(), Tickets.tablesOf(pkg), id,
                Output.text(pkg, "historySyncId"), null);
        ctx().err.println("lizsync: " + Tickets.describe(t));
        return Output.text(t, "ticket");
    }

    /** The clone's name at the registry, or null when it does not know the clone. */
    private static String knownName(GatewayClient gw, String cloneId) {
        try {
            return Output.text(gw.get("/api/v1/clones/" + cloneId), "name");
        } catch (ApiException e) {
            if (e.status() == 404) {
                return null;
            }
            throw e;
        }
    }

    private static String zipPackageId(Path zip) throws IOException {
        if (!Files.isRegularFile(zip) || !Files.isReadable(zip)) {
            throw new UsageException("deploy --zip-file: " + zip + " is not a readable file here, so its package"
                    + " id (for the registration ticket) is unknown: run the deploy on the clone's machine, or make a"
                    + " ticket with lizsync registration-ticket --name N --package-id ID and give it with"
                    + " --registration-ticket-file FILE");
        }
        return PackageZipManifest.packageId(zip);
    }

    /** The clone id the sidecar holds; empty when its database is not a clone yet. */
    private String sidecarCloneId() throws IOException {
        return Sidecar.call(ctx(), common, sidecar, "deploy", ch -> {
            try {
                return CloneAgentGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS)
                        .getCloneStatus(GetCloneStatusRequest.getDefaultInstance()).getCloneId();
            } catch (StatusRuntimeException e) {
                Status.Code code = e.getStatus().getCode();
                // a database without the tools fails the status query: not a clone either
                if (code == Status.Code.FAILED_PRECONDITION || code == Status.Code.NOT_FOUND
                        || code == Status.Code.INTERNAL || code == Status.Code.UNKNOWN) {
                    if (code != Status.Code.FAILED_PRECONDITION) {
                        ctx().err.println("lizsync: note: the sidecar did not tell its clone id (" + code
                                + "); the ticket is for a new clone");
                    }
                    return "";
                }
                throw e;
            }
        });
    }
}
