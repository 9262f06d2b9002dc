package io.lizsync.grpckit.jobs;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * How long finished jobs stay readable: a service keeps them for {@code keep} after they ended and
 * at most the newest {@code max} of them, so that its job history is bounded whatever the rate of
 * jobs. Jobs still queued or running are never forgotten. A pure function.
 */
public record JobRetention(Duration keep, int max) {

    public JobRetention {
        if (keep.isNegative() || max < 0) {
            throw new IllegalArgumentException("job retention: a duration and a count of 0 or more");
        }
    }

    /** What the retention needs of a job. */
    public record Facts(JobPages.Key key, JobState state, Instant finishedAt) {
    }

    /** The jobs among {@code jobs} to forget at {@code now}. */
    public <T> List<T> toForget(List<T> jobs, Function<T, Facts> facts, Instant now) {
        Instant oldest = now.minus(keep);
        List<T> finished = jobs.stream().filter(j -> facts.apply(j).state().isTerminal())
                .sorted(Comparator.comparing(j -> facts.apply(j).key(), JobPages.Key.NEWEST_FIRST)).toList();
        List<T> out = new ArrayList<>();
        for (int i = 0; i < finished.size(); i++) {
            T j = finished.get(i);
            Instant ended = facts.apply(j).finishedAt() != null ? facts.apply(j).finishedAt() : facts.apply(j).key().createdAt();
            if (i >= max || ended.isBefore(oldest)) {
                out.add(j);
            }
        }
        return out;
    }
}
