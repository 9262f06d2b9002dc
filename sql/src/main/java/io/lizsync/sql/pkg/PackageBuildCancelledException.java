package io.lizsync.sql.pkg;

import java.io.IOException;

/**
 * A build stopped because it was asked to ({@code CancelJob}): nothing of it was kept (the
 * transaction rolled back, the archive was deleted). An IOException so that it can leave pgjdbc's
 * COPY loop, which cancels the COPY for IOExceptions only.
 */
public final class PackageBuildCancelledException extends IOException {

    public PackageBuildCancelledException() {
        super("the build was cancelled; nothing of it was kept");
    }
}
