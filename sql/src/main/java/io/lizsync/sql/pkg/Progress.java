package io.lizsync.sql.pkg;

/** Receives the progress of a package build or deploy. */
@FunctionalInterface
public interface Progress {

    /**
     * @param step    a short step name (check, snapshot, structure, data, archive; deploy steps)
     * @param percent overall percentage done, 0-100
     * @param message what is being done, for people
     * @param table   the table being copied, or null
     * @param rows    rows copied so far for that table
     */
    void report(String step, int percent, String message, TableName table, long rows);

    Progress NONE = (step, percent, message, table, rows) -> { };
}
