package io.lizsync.sql.pkg;

/**
 * A package build or deploy that cannot go ahead in the current state (tools missing or of another
 * version, a table not prepared, a clone that synced past the package, unsynced edits...). Nothing
 * was changed; the message says what to do.
 */
public class PackageRefusedException extends Exception {
    public PackageRefusedException(String message) {
        super(message);
    }
}
