package io.lizsync.gateway.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Draws the two geometry values of a conflict as SVG paths in one common view box, so that the
 * page can overlay them (central and clone in two styles) and an administrator sees how they
 * differ, never their hex. A pure function: the value texts in, path data and a description out.
 * The larger side of the two shapes' common extent is 100 units; y grows upwards as on a map;
 * a point is a small circle.
 */
public final class GeometrySvg {

    static final double SIZE = 100;
    static final double PAD = 4;
    static final double POINT_RADIUS = 3;

    /** Two drawn values: the view box, each side's path data ("" for a side that is no geometry) and a description. */
    @io.quarkus.qute.TemplateData
    public record Drawing(String viewBox, String centralPath, String clonePath, String centralKind, String cloneKind,
            String description) {

        /** The CSS classes of central's path (a line is not filled). */
        public String centralStyle() {
            return centralKind.contains("LineString") ? "central line" : "central";
        }

        /** The CSS classes of the clone's path. */
        public String cloneStyle() {
            return cloneKind.contains("LineString") ? "clone line" : "clone";
        }
    }

    private GeometrySvg() {
    }

    /**
     * The drawing of two value texts (hex EWKB as PostGIS writes a geometry; null for a delete), or
     * empty when neither is a geometry.
     */
    public static Optional<Drawing> draw(String centralText, String cloneText) {
        Optional<Ewkb.Shape> central = Ewkb.parse(centralText);
        Optional<Ewkb.Shape> clone = Ewkb.parse(cloneText);
        if (central.isEmpty() && clone.isEmpty()) {
            return Optional.empty();
        }
        double[] box = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
        central.ifPresent(s -> extend(box, s));
        clone.ifPresent(s -> extend(box, s));
        double w = box[2] - box[0];
        double h = box[3] - box[1];
        double side = Math.max(w, h);
        double scale = side > 0 && Double.isFinite(side) ? SIZE / side : 1;
        Frame f = new Frame(box[0], box[3], scale);
        String viewBox = "0 0 " + num(w * scale + 2 * PAD) + " " + num(h * scale + 2 * PAD);
        String description = "Central: " + central.map(GeometrySvg::describe).orElse("no geometry")
                + "; clone: " + clone.map(GeometrySvg::describe).orElse("no geometry") + "; drawn over each other";
        return Optional.of(new Drawing(viewBox, central.map(f::path).orElse(""), clone.map(f::path).orElse(""),
                central.map(Ewkb.Shape::kind).orElse(""), clone.map(Ewkb.Shape::kind).orElse(""), description));
    }

    static String describe(Ewkb.Shape s) {
        return s.kind() + " of " + s.vertices() + (s.vertices() == 1 ? " point" : " points");
    }

    private static void extend(double[] box, Ewkb.Shape s) {
        for (Ewkb.Point p : points(s)) {
            box[0] = Math.min(box[0], p.x());
            box[1] = Math.min(box[1], p.y());
            box[2] = Math.max(box[2], p.x());
            box[3] = Math.max(box[3], p.y());
        }
    }

    private static List<Ewkb.Point> points(Ewkb.Shape s) {
        List<Ewkb.Point> out = new ArrayList<>();
        collect(s, out);
        return out;
    }

    private static void collect(Ewkb.Shape s, List<Ewkb.Point> out) {
        if (s instanceof Ewkb.Point p) {
            out.add(p);
        } else if (s instanceof Ewkb.Line l) {
            out.addAll(l.points());
        } else if (s instanceof Ewkb.Polygon p) {
            p.rings().forEach(out::addAll);
        } else if (s instanceof Ewkb.Collection c) {
            c.parts().forEach(part -> collect(part, out));
        }
    }

    /** From the values' coordinates to the view box's: x from the left, y from the top. */
    private record Frame(double minX, double maxY, double scale) {

        String path(Ewkb.Shape s) {
            StringBuilder d = new StringBuilder();
            append(s, d);
            return d.toString().strip();
        }

        private void append(Ewkb.Shape s, StringBuilder d) {
            if (s instanceof Ewkb.Point p) {
                circle(p, d);
            } else if (s instanceof Ewkb.Line l) {
                run(l.points(), false, d);
            } else if (s instanceof Ewkb.Polygon p) {
                p.rings().forEach(r -> run(r, true, d));
            } else if (s instanceof Ewkb.Collection c) {
                c.parts().forEach(part -> append(part, d));
            }
        }

        private void circle(Ewkb.Point p, StringBuilder d) {
            double x = x(p) - POINT_RADIUS;
            d.append("M").append(num(x)).append(' ').append(num(y(p)))
                    .append(" a").append(num(POINT_RADIUS)).append(' ').append(num(POINT_RADIUS)).append(" 0 1 0 ")
                    .append(num(2 * POINT_RADIUS)).append(" 0")
                    .append(" a").append(num(POINT_RADIUS)).append(' ').append(num(POINT_RADIUS)).append(" 0 1 0 ")
                    .append(num(-2 * POINT_RADIUS)).append(" 0 ");
        }

        private void run(List<Ewkb.Point> pts, boolean closed, StringBuilder d) {
            if (pts.isEmpty()) {
                return;
            }
            for (int i = 0; i < pts.size(); i++) {
                d.append(i == 0 ? "M" : "L").append(num(x(pts.get(i)))).append(' ').append(num(y(pts.get(i)))).append(' ');
            }
            if (closed) {
                d.append("Z ");
            }
        }

        private double x(Ewkb.Point p) {
            return (p.x() - minX) * scale + PAD;
        }

        private double y(Ewkb.Point p) {
            return (maxY - p.y()) * scale + PAD;
        }
    }

    static String num(double v) {
        String s = String.format(Locale.ROOT, "%.2f", v);
        if (s.contains(".")) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s.equals("-0") ? "0" : s;
    }
}
