package io.lizsync.sync.jobs;

/** Life of a job (lizsync.jobs.v1.JobState), as stored: the lower-case name. */
public enum JobState {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    /** True for the states a job never leaves. */
    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }

    /** The stored name ({@code queued}...). */
    public String sql() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** From the stored name. */
    public static JobState ofSql(String s) {
        return valueOf(s.toUpperCase(java.util.Locale.ROOT));
    }
}
