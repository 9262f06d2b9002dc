package io.lizsync.gateway.ui;

import io.lizsync.gateway.rest.Protos;
import io.lizsync.proto.sync.v1.CloneState;
import io.lizsync.proto.sync.v1.ToolsStatus;
import io.quarkus.qute.TemplateData;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The overview's rows, made from central's clone states ({@code ListCloneStates}) and central's
 * tools status: one row for central (totals), one per clone with its {@link CloneHealth} state.
 */
public final class OverviewModel {

    /** One clone's row. */
    @TemplateData
    public record CloneRow(String id, String name, String state, String stateLabel, Moment lastContact, Moment lastSync,
            long toCentral, long toClone, String oldestUnsent, long conflicts, String toolsVersion,
            boolean redeployRequired) {
    }

    /** Central's row: its name and tools version, and the totals of its clones. */
    @TemplateData
    public record CentralRow(String name, String toolsVersion, Moment lastSync, long toCentral, long toClone,
            String oldestUnsent, long conflicts, String problem) {
    }

    /** Both, and a sentence saying how many clones are in each state (read out when it changes). */
    @TemplateData
    public record Overview(CentralRow central, List<CloneRow> clones, String summary) {
    }

    private OverviewModel() {
    }

    /** The overview of these states at {@code now}; {@code tools} null when central's status could not be read. */
    public static Overview of(List<CloneState> states, ToolsStatus tools, CloneHealth.Thresholds thresholds, Instant now) {
        List<CloneRow> rows = new ArrayList<>();
        long toCentral = 0;
        long toClone = 0;
        long conflicts = 0;
        long oldestAge = 0;
        Instant lastSync = null;
        int[] counts = new int[CloneHealth.State.values().length];
        for (CloneState s : states) {
            Instant contact = Protos.time(s.getLastContact());
            Instant sync = Protos.time(s.getLastSync());
            CloneHealth.State state = CloneHealth.of(new CloneHealth.Facts(contact, sync, s.getUnsentChanges(),
                    s.getPendingEvents(), s.getUnsentAgeSeconds()), thresholds, now);
            counts[state.ordinal()]++;
            rows.add(new CloneRow(s.getCloneId(), s.getName(), state.word, state.label, Moment.of(contact, now),
                    Moment.of(sync, now), s.getUnsentChanges(), s.getPendingEvents(),
                    s.getUnsentChanges() == 0 ? "none" : Moment.span(s.getUnsentAgeSeconds()),
                    s.getPendingConflicts(), Protos.text(s.getToolsVersion()), s.getRedeployRequired()));
            toCentral += s.getUnsentChanges();
            toClone += s.getPendingEvents();
            conflicts += s.getPendingConflicts();
            oldestAge = Math.max(oldestAge, s.getUnsentChanges() == 0 ? 0 : s.getUnsentAgeSeconds());
            if (sync != null && (lastSync == null || sync.isAfter(lastSync))) {
                lastSync = sync;
            }
        }
        CentralRow central = new CentralRow(tools == null || tools.getServerName().isEmpty() ? "central" : tools.getServerName(),
                tools == null ? null : Protos.text(tools.getInstalledVersion()), Moment.of(lastSync, now), toCentral, toClone,
                toCentral == 0 ? "none" : Moment.span(oldestAge), conflicts,
                tools == null ? "central's tools status could not be read" : null);
        StringBuilder summary = new StringBuilder(rows.size() + (rows.size() == 1 ? " clone" : " clones"));
        for (CloneHealth.State st : CloneHealth.State.values()) {
            summary.append(st.ordinal() == 0 ? ": " : ", ").append(counts[st.ordinal()]).append(' ').append(st.word);
        }
        return new Overview(central, rows, summary.append('.').toString());
    }
}
