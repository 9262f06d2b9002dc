package io.lizsync.qgis;

import io.lizsync.qgis.XmlDoc.Element;
import io.lizsync.qgis.XmlDoc.Node;
import java.util.ArrayList;
import java.util.List;

/**
 * Rewrites every copy of a central connection in one QGIS XML document to the clone's. The copies
 * QGIS writes (3.x; 2.x files have the first two):
 * <ul>
 *   <li>{@code <maplayer>}'s {@code <datasource>} text, when its {@code <provider>} is postgres;</li>
 *   <li>{@code <layer-tree-layer source="…" providerKey="postgres">};</li>
 *   <li>relations kept with a layer ({@code <referencedLayers>}/{@code <referencingLayers>}:
 *       {@code <relation dataSource="…" providerKey="postgres">});</li>
 *   <li>widget settings: ValueRelation's {@code <Option name="LayerSource">} (provider in
 *       {@code LayerProviderName}) and RelationReference's {@code <Option name="ReferencedLayerDataSource">}
 *       (provider in {@code ReferencedLayerProviderKey}).</li>
 * </ul>
 * Besides postgres, two providers reach PostgreSQL: ogr with a {@code PG:} source ({@link OgrPgSource})
 * and virtual layers embedding {@code layer=postgres:…} sources ({@link VirtualLayerSource}); their
 * central connections are rewritten by the same rule. A copy whose provider is named and is none of
 * these is left alone; one whose provider is not named is rewritten when its string points at the
 * central database (same rule as the others).
 * Embedded layers and groups ({@code embedded="1" project="…"}) are collected so that the caller
 * can adapt the project they come from. Pure apart from the tree it changes.
 */
final class ProjectXmlAdapter {

    private static final String POSTGRES = "postgres";
    private static final String OGR = "ogr";
    private static final String VIRTUAL = "virtual";

    private final PgTarget central;
    private final PgTarget clone;
    private int rewritten;
    private final List<String> embeddedProjects = new ArrayList<>();

    ProjectXmlAdapter(PgTarget central, PgTarget clone) {
        this.central = central;
        this.clone = clone;
    }

    /** Copies rewritten so far. */
    int rewritten() {
        return rewritten;
    }

    /** The {@code project=} paths of embedded layers and groups, as written (relative to the document's folder). */
    List<String> embeddedProjects() {
        return List.copyOf(embeddedProjects);
    }

    void adapt(XmlDoc doc) {
        visit(doc.root);
    }

    private void visit(Element e) {
        switch (e.name) {
            case "maplayer" -> maplayer(e);
            case "layer-tree-layer" -> attribute(e, "source", e.attr("providerKey"));
            case "relation" -> attribute(e, "dataSource", e.attr("providerKey"));
            default -> {
            }
        }
        if ("1".equals(e.attr("embedded")) && e.attr("project") != null && !e.attr("project").isEmpty()) {
            embeddedProjects.add(e.attr("project"));
        }
        if ("Option".equals(e.name) && "Map".equals(e.attr("type"))) {
            optionMap(e);
        }
        for (Node n : e.children) {
            if (n instanceof Element c) {
                visit(c);
            }
        }
    }

    private void maplayer(Element layer) {
        Element datasource = layer.child("datasource");
        if (datasource == null) {
            return;
        }
        Element provider = layer.child("provider");
        String rewrittenSource = rewrite(datasource.text(), provider == null ? null : provider.text().strip());
        if (rewrittenSource != null) {
            datasource.setText(rewrittenSource);
        }
    }

    private void attribute(Element e, String name, String providerKey) {
        String value = e.attr(name);
        if (value == null) {
            return;
        }
        String out = rewrite(value, providerKey);
        if (out != null) {
            e.setAttr(name, out);
        }
    }

    /** A widget's settings: {@code <Option type="Map">} holding named {@code <Option>}s. */
    private void optionMap(Element map) {
        optionSource(map, "LayerSource", "LayerProviderName");
        optionSource(map, "ReferencedLayerDataSource", "ReferencedLayerProviderKey");
    }

    private void optionSource(Element map, String sourceName, String providerName) {
        Element source = namedOption(map, sourceName);
        if (source == null) {
            return;
        }
        Element provider = namedOption(map, providerName);
        attribute(source, "value", provider == null ? null : provider.attr("value"));
    }

    private static Element namedOption(Element map, String name) {
        for (Node n : map.children) {
            if (n instanceof Element c && "Option".equals(c.name) && name.equals(c.attr("name"))) {
                return c;
            }
        }
        return null;
    }

    /** The rewritten string, or null when this copy is not a PostgreSQL connection to central. */
    private String rewrite(String source, String providerKey) {
        boolean named = providerKey != null && !providerKey.isEmpty();
        String out;
        if (OGR.equals(providerKey) || !named && OgrPgSource.isPg(source)) {
            out = OgrPgSource.rewrite(source, central, clone);
        } else if (VIRTUAL.equals(providerKey)) {
            out = VirtualLayerSource.rewrite(source, central, clone);
        } else if (named && !POSTGRES.equals(providerKey)) {
            return null;
        } else {
            out = DataSourceRewrite.rewrite(source, central, clone);
        }
        if (out != null) {
            rewritten++;
        }
        return out;
    }
}
