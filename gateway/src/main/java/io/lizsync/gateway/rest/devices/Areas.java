package io.lizsync.gateway.rest.devices;

import io.lizsync.gateway.error.InvalidFieldException;
import io.lizsync.proto.sync.v1.Area;
import java.util.ArrayList;
import java.util.List;

/** The area of interest of a download from its query parameters ({@code bbox}, {@code area}, {@code srid}). Pure. */
public final class Areas {

    private Areas() {
    }

    /** The area, or null for the whole layer; a malformed one is a 400 naming the parameter. */
    public static Area of(String bbox, String wkt, Integer srid) {
        boolean hasBox = bbox != null && !bbox.isBlank();
        boolean hasWkt = wkt != null && !wkt.isBlank();
        if (!hasBox && !hasWkt) {
            if (srid != null) {
                throw new InvalidFieldException("srid", "only with bbox or area");
            }
            return null;
        }
        if (hasBox && hasWkt) {
            throw new InvalidFieldException("area", "give bbox or area, not both");
        }
        if (srid != null && srid < 0) {
            throw new InvalidFieldException("srid", "must be the layer's SRID or 4326");
        }
        Area.Builder a = Area.newBuilder().setSrid(srid == null ? 0 : srid);
        if (hasWkt) {
            String w = wkt.strip();
            if (w.length() > 100_000) {
                throw new InvalidFieldException("area", "at most 100000 characters");
            }
            return a.setWkt(w).build();
        }
        String[] parts = bbox.split(",");
        if (parts.length != 4) {
            throw new InvalidFieldException("bbox", "must be minX,minY,maxX,maxY");
        }
        List<Double> values = new ArrayList<>();
        for (String p : parts) {
            try {
                double v = Double.parseDouble(p.strip());
                if (!Double.isFinite(v)) {
                    throw new NumberFormatException();
                }
                values.add(v);
            } catch (NumberFormatException e) {
                throw new InvalidFieldException("bbox", "must be four numbers minX,minY,maxX,maxY");
            }
        }
        if (values.get(0) > values.get(2) || values.get(1) > values.get(3)) {
            throw new InvalidFieldException("bbox", "min must not exceed max");
        }
        return a.addAllBbox(values).build();
    }
}
