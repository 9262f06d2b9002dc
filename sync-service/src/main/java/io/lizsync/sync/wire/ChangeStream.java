package io.lizsync.sync.wire;

import io.lizsync.proto.sync.v1.Change;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Streams of changes sized by bytes, not by a count: batches are cut before they pass a byte
 * budget, and a change larger than one part (a row with a multi-megabyte polygon) travels as
 * several parts ({@code continued}) that the receiver joins. Every message of the exchange then
 * fits in {@link #FITS_IN_BYTES}, whatever the rows, far below what the receivers accept
 * ({@code lizsync.sync.max-message-bytes}, 16 MiB).
 */
public final class ChangeStream {

    private ChangeStream() {
    }

    /** Every exchange message fits in this many bytes (a batch, its framing and its other fields). */
    public static final int FITS_IN_BYTES = 2 << 20;
    /**
     * Byte budget of one batch: small enough that the receiver starts on the first while the
     * sender still reads and encodes the next (a few thousand single-field changes), large
     * enough that per-batch costs do not count.
     */
    public static final int BATCH_BYTES = 256 << 10;
    /** Largest part of a change that is split: batches hold one part at least. */
    public static final int PART_BYTES = 256 << 10;
    /** Largest change a receiver joins from parts (one row's values): beyond, the stream is refused. */
    public static final long MAX_JOINED_CHARS = 256L << 20;

    /** The parts a change travels in: itself when small enough. */
    public static List<Change> parts(Change c, int partBytes) {
        if (c.getSerializedSize() <= partBytes) {
            return List.of(c);
        }
        String values = c.getNewValuesJson();
        // A char is at most 3 bytes in UTF-8 (a surrogate pair, two chars, 4): parts of a quarter
        // of partBytes in chars leave room for the first part's other fields.
        int chars = Math.max(1024, partBytes / 4);
        List<Change> out = new ArrayList<>();
        int from = 0;
        boolean first = true;
        while (from < values.length() || first) {
            int to = Math.min(values.length(), from + chars);
            if (to < values.length() && Character.isHighSurrogate(values.charAt(to - 1))) {
                to--; // never split a surrogate pair: each part must be valid UTF-8
            }
            String piece = values.substring(from, to);
            boolean more = to < values.length();
            Change.Builder b = first ? c.toBuilder() : Change.newBuilder();
            out.add(b.setNewValuesJson(piece).setContinued(more).build());
            first = false;
            from = to;
        }
        return out;
    }

    /**
     * Batches of at most {@code batchBytes} over a sequence of changes, built as they are asked
     * for (a change larger than a part is split first).
     */
    public static java.util.Iterator<List<Change>> batches(java.util.Iterator<Change> changes, int batchBytes,
            int partBytes) {
        return new java.util.Iterator<>() {
            private final java.util.ArrayDeque<Change> parts = new java.util.ArrayDeque<>();

            @Override
            public boolean hasNext() {
                return !parts.isEmpty() || changes.hasNext();
            }

            @Override
            public List<Change> next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                List<Change> batch = new ArrayList<>();
                long bytes = 0;
                while (true) {
                    if (parts.isEmpty()) {
                        if (!changes.hasNext()) {
                            break;
                        }
                        parts.addAll(parts(changes.next(), partBytes));
                    }
                    int size = parts.peek().getSerializedSize() + 8;
                    if (!batch.isEmpty() && bytes + size > batchBytes) {
                        break;
                    }
                    batch.add(parts.poll());
                    bytes += size;
                }
                return batch;
            }
        };
    }

    /** Joins parts back into changes, on the receiving side. */
    public static final class Joiner {
        private Change.Builder pending;
        private StringBuilder values;

        /** Feeds the next change of the stream; returns a whole change, or null while parts are missing. */
        public Change add(Change part) {
            if (pending == null && !part.getContinued()) {
                return part;
            }
            if (pending == null) {
                pending = part.toBuilder();
                values = new StringBuilder(part.getNewValuesJson());
            } else {
                values.append(part.getNewValuesJson());
                if (values.length() > MAX_JOINED_CHARS) {
                    throw new IllegalArgumentException("change " + pending.getOriginEventId() + " of "
                            + pending.getSchemaName() + "." + pending.getTableName() + " is larger than "
                            + (MAX_JOINED_CHARS >> 20) + " MiB of values: refused");
                }
            }
            if (part.getContinued()) {
                return null;
            }
            Change whole = pending.setNewValuesJson(values.toString()).setContinued(false).build();
            pending = null;
            values = null;
            return whole;
        }

        /** True while a change is only partly received (a stream ending now ended early). */
        public boolean incomplete() {
            return pending != null;
        }
    }

    /**
     * Cuts a sequence of changes into batches of at most {@code batchBytes} (a change larger than
     * a part is split first); each full batch is handed to the sink.
     */
    public static final class Batcher {
        private final int batchBytes;
        private final int partBytes;
        private final Consumer<List<Change>> sink;
        private List<Change> batch = new ArrayList<>();
        private long bytes;
        private long changes;

        public Batcher(int batchBytes, int partBytes, Consumer<List<Change>> sink) {
            this.batchBytes = batchBytes;
            this.partBytes = partBytes;
            this.sink = sink;
        }

        public void add(Change c) {
            changes++;
            for (Change p : parts(c, partBytes)) {
                int size = p.getSerializedSize() + 8; // field tag and length prefix in the batch
                if (!batch.isEmpty() && bytes + size > batchBytes) {
                    flush();
                }
                batch.add(p);
                bytes += size;
            }
        }

        /** Hands over what is batched (nothing when empty). */
        public void flush() {
            if (batch.isEmpty()) {
                return;
            }
            List<Change> full = batch;
            batch = new ArrayList<>();
            bytes = 0;
            sink.accept(full);
        }

        /** Whole changes added so far (not parts). */
        public long changes() {
            return changes;
        }
    }
}
