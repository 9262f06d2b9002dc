package io.lizsync.gateway.rest.jobs;

import io.lizsync.gateway.grpc.Downstream;
import io.lizsync.gateway.rest.paging.Page;
import io.lizsync.gateway.rest.paging.PageRequest;
import io.lizsync.gateway.rest.paging.Polled;
import io.lizsync.grpckit.auth.Roles;
import io.lizsync.proto.jobs.v1.CancelJobRequest;
import io.lizsync.proto.jobs.v1.GetJobRequest;
import io.lizsync.proto.jobs.v1.Jobs;
import io.lizsync.proto.jobs.v1.ListJobsRequest;
import io.lizsync.proto.jobs.v1.WatchJobRequest;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * Long work (a package build, a deploy through central, a clone's sync, an FTP file operation) as jobs: the service that runs a job keeps
 * it, so a job outlives the gateway; this resource routes each id to its service ({@link JobRoutes}).
 */
@Path("/api/v1/jobs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Jobs")
@RolesAllowed({Roles.ADMINISTRATOR, Roles.OPERATOR})
public class JobsResource {

    static final String KINDS = JobRoutes.KINDS;

    @GrpcClient("packaging")
    Jobs packagingJobs;

    @GrpcClient("sync")
    Jobs syncJobs;

    @GrpcClient("files")
    Jobs filesJobs;

    @Inject
    Downstream downstream;

    @GET
    @Polled
    @Operation(summary = "Jobs of a kind, newest first, optionally about one subject (clone:<uuid>)")
    public Uni<Page<JobView>> list(@QueryParam("kind") @NotNull @Pattern(regexp = KINDS, message = "must be one of " + KINDS) String kind,
            @QueryParam("subject") @Size(max = 100) @Pattern(regexp = "[a-z]+:[0-9a-f-]{36}", message = "must be like clone:<uuid>") String subject,
            @Valid @BeanParam PageRequest page) {
        JobRoutes.Owner owner = JobRoutes.ofKind(kind).orElseThrow();
        return jobs(owner).listJobs(ListJobsRequest.newBuilder().setKind(kind).setSubject(subject == null ? "" : subject)
                .setPageSize(page.size()).setPageToken(page.token()).build())
                .map(r -> new Page<>(r.getJobsList().stream().map(JobView::of).toList(), r.getNextPageToken()));
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A job: state, step, progress, result or error")
    public Uni<JobView> get(@PathParam("id") @Size(max = 64) String id) {
        return jobs(owner(id)).getJob(GetJobRequest.newBuilder().setJobId(id).build()).map(JobView::of);
    }

    @GET
    @Path("/{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "Server-sent events: the job now, then at every change, until its final state")
    public Multi<JobView> events(@PathParam("id") @Size(max = 64) String id) {
        Jobs jobs = jobs(owner(id));
        // Ask once first: an unknown job is a 404 before the event stream opens.
        return jobs.getJob(GetJobRequest.newBuilder().setJobId(id).build())
                .onItem().transformToMulti(j -> jobs.watchJob(WatchJobRequest.newBuilder().setJobId(id).build()))
                .map(JobView::of);
    }

    @POST
    @Path("/{id}/cancel")
    @Operation(summary = "Ask a job to stop (a queued one stops at once, a running one at its next safe point)")
    public Uni<JobView> cancel(@PathParam("id") @Size(max = 64) String id) {
        return jobs(owner(id)).cancelJob(CancelJobRequest.newBuilder().setJobId(id).build()).map(JobView::of);
    }

    private static JobRoutes.Owner owner(String id) {
        return JobRoutes.ofId(id).orElseThrow(() -> new NotFoundException("no job " + id));
    }

    private Jobs jobs(JobRoutes.Owner owner) {
        return downstream.asCaller(switch (owner) {
            case PACKAGING -> packagingJobs;
            case SYNC -> syncJobs;
            case FILES -> filesJobs;
        });
    }
}
