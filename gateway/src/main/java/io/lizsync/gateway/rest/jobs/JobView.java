package io.lizsync.gateway.rest.jobs;

import io.lizsync.gateway.rest.Protos;
import io.lizsync.proto.jobs.v1.Job;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;

/** A job as the API shows it; {@code links.self} and {@code links.events} follow it. */
public record JobView(String id, String kind, String state, String step, long done, long total, String unit,
        Integer percent, String subject, String result, String message, String errorCode, String createdBy,
        Instant createdAt, Instant startedAt, Instant finishedAt, boolean cancelRequested, Links links) {

    public record Links(String self, String events, String cancel) {
    }

    public static JobView of(Job j) {
        String self = "/api/v1/jobs/" + j.getId();
        return new JobView(j.getId(), j.getKind(), j.getState().name().replace("JOB_STATE_", "").toLowerCase(),
                Protos.text(j.getStep()), j.getDone(), j.getTotal(), Protos.text(j.getUnit()),
                j.getPercent() < 0 ? null : j.getPercent(), Protos.text(j.getSubject()), Protos.text(j.getResult()),
                Protos.text(j.getMessage()), Protos.text(j.getErrorCode()), Protos.text(j.getCreatedBy()),
                Protos.time(j.getCreatedAt()), Protos.time(j.getStartedAt()), Protos.time(j.getFinishedAt()),
                j.getCancelRequested(), new Links(self, self + "/events", self + "/cancel"));
    }

    /** The answer to a request that started a job: 202, Location of the job, the job. */
    public static Response accepted(Job j) {
        JobView v = of(j);
        return Response.accepted(v).location(URI.create(v.links().self())).build();
    }
}
