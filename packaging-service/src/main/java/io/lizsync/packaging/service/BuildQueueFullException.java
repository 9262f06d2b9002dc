package io.lizsync.packaging.service;

/** A build refused because enough builds already wait their turn ({@link BuildQueue}): try again later. */
public class BuildQueueFullException extends RuntimeException {

    BuildQueueFullException(int waiting) {
        super("packaging-service is building a package and " + waiting + " more wait their turn (the limit,"
                + " lizsync.packaging.max-waiting-builds): try again when one has finished");
    }
}
