package io.lizsync.gateway.ui;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Reads the text form PostGIS gives a geometry (hex EWKB, or ISO WKB in hex) into plain shapes:
 * points, line strings, polygons and their multi and collection forms (Z and M ordinates are
 * read and dropped; curves are not drawn). The dashboard draws conflicting geometry values with
 * it ({@link GeometrySvg}) instead of showing their hex. Anything else, or a malformed or
 * truncated value, is not a geometry: empty.
 */
public final class Ewkb {

    /** A shape, in the value's own coordinates. */
    public sealed interface Shape permits Point, Line, Polygon, Collection {
        /** Its kind as people say it ("Point", "MultiPolygon", …). */
        String kind();

        /** Its number of vertices. */
        int vertices();
    }

    /** One point. */
    public record Point(double x, double y) implements Shape {
        @Override
        public String kind() {
            return "Point";
        }

        @Override
        public int vertices() {
            return 1;
        }
    }

    /** A line string. */
    public record Line(List<Point> points) implements Shape {
        @Override
        public String kind() {
            return "LineString";
        }

        @Override
        public int vertices() {
            return points.size();
        }
    }

    /** A polygon: its rings, the exterior first. */
    public record Polygon(List<List<Point>> rings) implements Shape {
        @Override
        public String kind() {
            return "Polygon";
        }

        @Override
        public int vertices() {
            return rings.stream().mapToInt(List::size).sum();
        }
    }

    /** A multi-shape or collection (named as the value names it). */
    public record Collection(String kind, List<Shape> parts) implements Shape {
        @Override
        public int vertices() {
            return parts.stream().mapToInt(Shape::vertices).sum();
        }
    }

    /** More vertices than a conflict's drawing needs: refused rather than drawn slowly. */
    static final int MAX_VERTICES = 200_000;
    private static final String[] MULTI = {null, null, null, null, "MultiPoint", "MultiLineString", "MultiPolygon",
        "GeometryCollection"};

    private Ewkb() {
    }

    /** The shape a hex (E)WKB text stands for; empty when it is not one (or an empty geometry). */
    public static Optional<Shape> parse(String hex) {
        if (hex == null || hex.length() < 10 || hex.length() % 2 != 0 || !hex.matches("(?i)0[01][0-9a-f]+")) {
            return Optional.empty();
        }
        try {
            Reader r = new Reader(ByteBuffer.wrap(HexFormat.of().parseHex(hex)));
            Shape s = r.shape(0);
            if (r.buffer.hasRemaining() || s == null) {
                return Optional.empty();
            }
            return Optional.of(s);
        } catch (RuntimeException e) {
            // Truncated, an unknown type, too deep or too large: not a geometry the dashboard draws.
            return Optional.empty();
        }
    }

    private static final class Reader {
        final ByteBuffer buffer;
        int vertices;

        Reader(ByteBuffer buffer) {
            this.buffer = buffer;
        }

        Shape shape(int depth) {
            if (depth > 8) {
                throw new IllegalArgumentException("too deep");
            }
            byte order = buffer.get();
            if (order != 0 && order != 1) {
                throw new IllegalArgumentException("byte order");
            }
            buffer.order(order == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
            long type = Integer.toUnsignedLong(buffer.getInt());
            boolean z = (type & 0x80000000L) != 0;
            boolean m = (type & 0x40000000L) != 0;
            boolean srid = (type & 0x20000000L) != 0;
            int code = (int) (type & 0x0FFFFFFFL);
            int iso = code / 1000;
            if (iso == 1 || iso == 3) {
                z = true;
            }
            if (iso == 2 || iso == 3) {
                m = true;
            }
            code %= 1000;
            if (srid) {
                buffer.getInt();
            }
            int dims = 2 + (z ? 1 : 0) + (m ? 1 : 0);
            return switch (code) {
                case 1 -> {
                    Point p = point(dims);
                    yield Double.isNaN(p.x()) ? null : p;
                }
                case 2 -> {
                    List<Point> pts = points(dims);
                    yield pts.isEmpty() ? null : new Line(pts);
                }
                case 3 -> {
                    int n = count(4);
                    List<List<Point>> rings = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        rings.add(points(dims));
                    }
                    yield rings.isEmpty() ? null : new Polygon(rings);
                }
                case 4, 5, 6, 7 -> {
                    int n = count(5);
                    List<Shape> parts = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        Shape part = shape(depth + 1);
                        if (part != null) {
                            parts.add(part);
                        }
                    }
                    yield parts.isEmpty() ? null : new Collection(MULTI[code], parts);
                }
                default -> throw new IllegalArgumentException("type " + code);
            };
        }

        private List<Point> points(int dims) {
            int n = count(8 * dims);
            List<Point> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(point(dims));
            }
            return out;
        }

        private Point point(int dims) {
            if (++vertices > MAX_VERTICES) {
                throw new IllegalArgumentException("too large");
            }
            double x = buffer.getDouble();
            double y = buffer.getDouble();
            for (int i = 2; i < dims; i++) {
                buffer.getDouble();
            }
            return new Point(x, y);
        }

        /** A count, checked against the bytes left (each element needs at least {@code minBytes}). */
        private int count(int minBytes) {
            long n = Integer.toUnsignedLong(buffer.getInt());
            if (n * minBytes > buffer.remaining()) {
                throw new IllegalArgumentException("count beyond the value");
            }
            return (int) n;
        }
    }
}
