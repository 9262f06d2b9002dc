package io.lizsync.gateway.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Geometry values (hex EWKB as PostGIS writes them) drawn as SVG paths in one view box, never as hex. */
class GeometrySvgTest {

    /** SRID=4326;POINT(1 2), as PostGIS prints it. */
    static final String POINT_4326 = "0101000020E6100000000000000000F03F0000000000000040";
    /** POLYGON((0 0,4 0,4 4,0 4,0 0)), no SRID, as PostGIS prints it. */
    static final String SQUARE = "01030000000100000005000000000000000000000000000000000000000000000000001040"
            + "000000000000000000000000000010400000000000001040000000000000000000000000000010400000000000000000"
            + "0000000000000000";

    @Test
    void aPostgisPointAndPolygonAreRead() {
        Ewkb.Shape p = Ewkb.parse(POINT_4326).orElseThrow();
        assertEquals(new Ewkb.Point(1, 2), p);
        Ewkb.Shape square = Ewkb.parse(SQUARE).orElseThrow();
        assertEquals("Polygon", square.kind());
        assertEquals(5, square.vertices());
    }

    @Test
    void twoPolygonsShareOneViewBoxWithYUpwards() {
        // The square (0..4) and a triangle reaching (8, 8): the common extent is 8 wide, 8 high.
        String triangle = wkb(ByteOrder.BIG_ENDIAN, 3, null, w -> {
            w.putInt(1).putInt(4);
            for (double[] xy : List.of(new double[] {0, 0}, new double[] {8, 0}, new double[] {8, 8}, new double[] {0, 0})) {
                w.putDouble(xy[0]).putDouble(xy[1]);
            }
        });
        GeometrySvg.Drawing d = GeometrySvg.draw(SQUARE, triangle).orElseThrow();
        assertEquals("0 0 108 108", d.viewBox());
        // The square's corner (0, 0) is at the bottom left: x = pad, y = 8 * 12.5 + pad.
        assertTrue(d.centralPath().startsWith("M4 104 L54 104 L54 54 L4 54 L4 104 Z"), d.centralPath());
        assertTrue(d.clonePath().startsWith("M4 104 L104 104 L104 4 L4 104 Z"), d.clonePath());
        assertEquals("central", d.centralStyle());
        assertTrue(d.description().contains("Central: Polygon of 5 points"), d.description());
        assertFalse(d.centralPath().contains("0103"), "never the hex");
    }

    @Test
    void zAndMOrdinatesAndMultiShapesAndLinesAreDrawn() {
        // MULTILINESTRING Z (ISO type 1005) of two lines, little-endian.
        String lines = wkb(ByteOrder.LITTLE_ENDIAN, 1005, null, w -> {
            w.putInt(2);
            for (int i = 0; i < 2; i++) {
                w.put((byte) 1).putInt(1002).putInt(2);
                w.putDouble(i).putDouble(0).putDouble(99).putDouble(i).putDouble(10).putDouble(99);
            }
        });
        Ewkb.Shape shape = Ewkb.parse(lines).orElseThrow();
        assertEquals("MultiLineString", shape.kind());
        assertEquals(4, shape.vertices());
        GeometrySvg.Drawing d = GeometrySvg.draw(lines, null).orElseThrow();
        assertEquals(2, d.centralPath().split("M").length - 1, d.centralPath());
        assertEquals("", d.clonePath());
        assertEquals("central line", d.centralStyle());
        assertTrue(d.description().contains("clone: no geometry"));
    }

    @Test
    void aPointIsASmallCircleAndTwoEqualPointsStillGetAViewBox() {
        GeometrySvg.Drawing d = GeometrySvg.draw(POINT_4326, POINT_4326).orElseThrow();
        assertEquals("0 0 8 8", d.viewBox());
        assertTrue(d.centralPath().startsWith("M1 4 a3 3 0 1 0 6 0"), d.centralPath());
        assertEquals(d.centralPath(), d.clonePath());
    }

    @Test
    void whatIsNotAGeometryIsNotDrawn() {
        assertTrue(GeometrySvg.draw("a plain text", "12.5").isEmpty());
        assertTrue(GeometrySvg.draw(null, null).isEmpty());
        assertTrue(Ewkb.parse("0101000020E6100000000000000000F03F").isEmpty(), "truncated");
        assertTrue(Ewkb.parse("0108000000").isEmpty(), "a curve type is not drawn");
        assertTrue(Ewkb.parse("01020000000F000000").isEmpty(), "a count beyond the value");
        assertTrue(Ewkb.parse("cafe0101").isEmpty());
        // An empty point (NaN) is no shape.
        assertTrue(Ewkb.parse("0101000000000000000000F87F000000000000F87F").isEmpty());
    }

    interface Body {
        void write(ByteBuffer w);
    }

    static String wkb(ByteOrder order, int type, Integer srid, Body body) {
        ByteBuffer w = ByteBuffer.allocate(4096).order(order);
        w.put((byte) (order == ByteOrder.LITTLE_ENDIAN ? 1 : 0));
        w.putInt(srid == null ? type : type | 0x20000000);
        if (srid != null) {
            w.putInt(srid);
        }
        body.write(w);
        byte[] out = new byte[w.position()];
        w.flip().get(out);
        return HexFormat.of().formatHex(out);
    }
}
