package io.lizsync.files.ftp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MirrorPlanTest {

    private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");
    private static final Duration TOL = Duration.ofSeconds(2);

    private static FileEntry f(String p, long size, Instant t) {
        return new FileEntry(p, size, t);
    }

    private static MirrorPlan.Kind decide(FileEntry s, FileEntry t, MirrorPlan.Cached c, boolean checksums) {
        return MirrorPlan.decide(s, t, c, TOL, checksums).kind();
    }

    @Test
    void newDifferentSizeAndDistantTimesAreSentEqualOnesSkipped() {
        assertEquals(MirrorPlan.Kind.TRANSFER, decide(f("a", 1, T), null, null, false));
        assertEquals(MirrorPlan.Kind.TRANSFER, decide(f("a", 1, T), f("a", 2, T), null, false));
        assertEquals(MirrorPlan.Kind.SKIP, decide(f("a", 1, T), f("a", 1, T.plusMillis(1999)), null, false));
        assertEquals(MirrorPlan.Kind.SKIP, decide(f("a", 1, T), f("a", 1, T.minusSeconds(2)), null, false));
        assertEquals(MirrorPlan.Kind.TRANSFER, decide(f("a", 1, T), f("a", 1, T.plusSeconds(3)), null, false));
        assertEquals(MirrorPlan.Kind.TRANSFER, decide(f("a", 1, T), f("a", 1, null), null, false), "unknown time");
    }

    @Test
    void aTimeZoneShiftIsATimeDifferenceNotEquality() {
        // A LIST in the server's local time would shift by hours; UTC times from MLSD/MDTM do not.
        assertEquals(MirrorPlan.Kind.TRANSFER, decide(f("a", 1, T), f("a", 1, T.plusSeconds(3600)), null, false));
    }

    @Test
    void checksumsDecideWhenOnlyTheTimesDiffer() {
        assertEquals(MirrorPlan.Kind.CHECKSUM, decide(f("a", 1, T), f("a", 1, T.plusSeconds(60)), null, true));
        assertEquals(MirrorPlan.Kind.TRANSFER, decide(f("a", 1, T), f("a", 2, T.plusSeconds(60)), null, true));
    }

    @Test
    void theCacheRecognisesAnUploadWithTheServersOwnTime() {
        Instant uploaded = T.plusSeconds(86_400);
        var cached = new MirrorPlan.Cached(1, T.toEpochMilli(), 1, uploaded.toEpochMilli() + 500);
        assertEquals(MirrorPlan.Kind.SKIP, decide(f("a", 1, T), f("a", 1, uploaded), cached, false), "same second");
        assertEquals(MirrorPlan.Kind.TRANSFER, decide(f("a", 1, T.plusSeconds(5)), f("a", 1, uploaded), cached, false),
                "the source changed since");
        assertEquals(MirrorPlan.Kind.TRANSFER, decide(f("a", 1, T), f("a", 1, uploaded.plusSeconds(9)), cached, false),
                "the target changed since");
    }

    @Test
    void deletesOnlyWhenAskedAndInPathOrder() {
        var source = Map.of("b", f("b", 1, T), "a", f("a", 1, T));
        var target = Map.of("a", f("a", 1, T), "z", f("z", 1, T));
        List<MirrorPlan.Step> keep = MirrorPlan.plan(source, target, Map.of(), TOL, false, false);
        assertEquals(List.of("a:SKIP", "b:TRANSFER"), keep.stream().map(s -> s.path() + ":" + s.kind()).toList());
        List<MirrorPlan.Step> delete = MirrorPlan.plan(source, target, Map.of(), TOL, false, true);
        assertEquals(List.of("a:SKIP", "b:TRANSFER", "z:DELETE"), delete.stream().map(s -> s.path() + ":" + s.kind()).toList());
    }
}
