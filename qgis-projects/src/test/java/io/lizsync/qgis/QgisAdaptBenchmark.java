package io.lizsync.qgis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Projects adapted per second (issue 9/12's figure; not a test: run by {@code scripts/bench.sh
 * qgis}): a generated QGIS project of about 5 MB with 200 PostgreSQL layers of central (each with
 * its layer-tree entry, a relation, RelationReference and ValueRelation widgets, 30 fields, a
 * renderer), adapted in memory (parse, rewrite 1 000 copies, write) and through
 * {@link QgisFolderAdapter} on a file (plus the backup and the atomic replace). Warm-up rounds
 * first ({@code -Dbench.warmup}, 20); the median of the measured rounds. Results: stdout and target/bench/qgis-bench.txt.
 */
class QgisAdaptBenchmark {

    static final int LAYERS = Integer.getInteger("bench.layers", 200);
    static final int ROUNDS = Integer.getInteger("bench.rounds", 30);
    static final int WARMUP = Integer.getInteger("bench.warmup", 20);

    @Test
    void run(@TempDir Path dir) throws Exception {
        byte[] project = generate(LAYERS);
        double mb = project.length / 1e6;

        for (int i = 0; i < WARMUP; i++) {
            ProjectBytes.adaptXml(project, Fixtures.CENTRAL, Fixtures.CLONE);
        }
        QgisFolderAdapter adapter = new QgisFolderAdapter();
        Path file = dir.resolve("big.qgs");
        long[] onDisk = new long[ROUNDS];
        for (int i = -3; i < ROUNDS; i++) {
            Files.write(file, project);
            long t0 = System.nanoTime();
            AdaptReport r = adapter.adaptFolder(dir, Fixtures.CENTRAL, Fixtures.CLONE);
            if (i >= 0) {
                onDisk[i] = System.nanoTime() - t0;
            }
            assertEquals(1, r.projectsAdapted().size());
        }
        long[] memory = new long[ROUNDS];
        int copies = 0;
        for (int i = 0; i < ROUNDS; i++) {
            long t0 = System.nanoTime();
            ProjectBytes.Outcome o = ProjectBytes.adaptXml(project, Fixtures.CENTRAL, Fixtures.CLONE);
            memory[i] = System.nanoTime() - t0;
            copies = o.rewritten();
        }
        assertEquals(LAYERS * 5, copies, "every copy of every layer rewritten");

        double memMs = median(memory) / 1e6;
        double diskMs = median(onDisk) / 1e6;
        String result = String.format(java.util.Locale.ROOT,
                "QGIS project adaptation (%d layers, %.2f MB .qgs, %d data source copies rewritten, median of %d rounds)%n"
                        + "  in memory (parse, rewrite, write):            %7.1f ms  = %6.1f projects/s  (%.0f MB/s)%n"
                        + "  a file in a folder (+ backup, atomic replace): %7.1f ms  = %6.1f projects/s%n",
                LAYERS, mb, copies, ROUNDS, memMs, 1000 / memMs, mb / (memMs / 1000), diskMs, 1000 / diskMs);
        System.out.print(result);
        Path out = Path.of("target", "bench");
        Files.createDirectories(out);
        Files.writeString(out.resolve("qgis-bench.txt"), result);
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** A project shaped as QGIS writes one: per layer ~25 kB of fields, widgets and symbology. */
    static byte[] generate(int layers) {
        String central = "dbname='gis' host=central.example port=5432 user='editor' sslmode=disable";
        StringBuilder tree = new StringBuilder();
        StringBuilder maplayers = new StringBuilder();
        for (int l = 0; l < layers; l++) {
            String id = "layer_" + l + "_5b8c0e2a_1f2e_4d3c_9b8a_" + String.format("%012d", l);
            String source = central + " key='id' srid=2154 type=MultiPolygon checkPrimaryKeyUnicity='1' table=\"survey\".\"t" + l
                    + "\" (geom) sql=\"status\" &lt;> 'gone'";
            String lookup = central + " key='code' checkPrimaryKeyUnicity='1' table=\"survey\".\"lookup_" + l + "\"";
            tree.append("    <layer-tree-layer checked=\"Qt::Checked\" expanded=\"1\" id=\"").append(id).append("\" name=\"Layer ")
                    .append(l).append("\" providerKey=\"postgres\" source=\"").append(source.replace("\"", "&quot;"))
                    .append("\">\n      <customproperties>\n        <Option/>\n      </customproperties>\n    </layer-tree-layer>\n");
            maplayers.append("    <maplayer geometry=\"Polygon\" type=\"vector\" wkbType=\"MultiPolygon\">\n")
                    .append("      <id>").append(id).append("</id>\n      <datasource>").append(source).append("</datasource>\n")
                    .append("      <layername>Layer ").append(l).append("</layername>\n      <provider encoding=\"UTF-8\">postgres</provider>\n")
                    .append("      <referencedLayers>\n        <relation dataSource=\"").append(lookup.replace("\"", "&quot;"))
                    .append("\" id=\"rel_").append(l).append("\" providerKey=\"postgres\" referencedLayer=\"lookup\" referencingLayer=\"")
                    .append(id).append("\" strength=\"Association\">\n          <fieldRef referencedField=\"code\" referencingField=\"kind\"/>\n        </relation>\n      </referencedLayers>\n")
                    .append("      <fieldConfiguration>\n");
            for (int f = 0; f < 30; f++) {
                maplayers.append("        <field configurationFlags=\"NoFlag\" name=\"field_").append(f).append("\">\n");
                if (f == 0) {
                    maplayers.append("          <editWidget type=\"RelationReference\">\n            <config>\n              <Option type=\"Map\">\n")
                            .append("                <Option name=\"ReferencedLayerDataSource\" type=\"QString\" value=\"").append(lookup.replace("\"", "&quot;")).append("\"/>\n")
                            .append("                <Option name=\"ReferencedLayerProviderKey\" type=\"QString\" value=\"postgres\"/>\n")
                            .append("              </Option>\n            </config>\n          </editWidget>\n");
                } else if (f == 1) {
                    maplayers.append("          <editWidget type=\"ValueRelation\">\n            <config>\n              <Option type=\"Map\">\n")
                            .append("                <Option name=\"Key\" type=\"QString\" value=\"code\"/>\n")
                            .append("                <Option name=\"LayerProviderName\" type=\"QString\" value=\"postgres\"/>\n")
                            .append("                <Option name=\"LayerSource\" type=\"QString\" value=\"").append(lookup.replace("\"", "&quot;")).append("\"/>\n")
                            .append("              </Option>\n            </config>\n          </editWidget>\n");
                } else {
                    maplayers.append("          <editWidget type=\"TextEdit\">\n            <config>\n              <Option type=\"Map\">\n")
                            .append("                <Option name=\"IsMultiline\" type=\"bool\" value=\"false\"/>\n")
                            .append("                <Option name=\"UseHtml\" type=\"bool\" value=\"false\"/>\n")
                            .append("              </Option>\n            </config>\n          </editWidget>\n");
                }
                maplayers.append("        </field>\n");
            }
            maplayers.append("      </fieldConfiguration>\n      <renderer-v2 symbollevels=\"0\" type=\"singleSymbol\">\n        <symbols>\n");
            for (int s = 0; s < 12; s++) {
                maplayers.append("          <symbol alpha=\"1\" name=\"").append(s).append("\" type=\"fill\">\n            <layer class=\"SimpleFill\" enabled=\"1\" pass=\"0\">\n");
                for (int p = 0; p < 14; p++) {
                    maplayers.append("              <prop k=\"property_").append(p).append("\" v=\"3x:0,0,0,0,0,0\"/>\n");
                }
                maplayers.append("            </layer>\n          </symbol>\n");
            }
            maplayers.append("        </symbols>\n      </renderer-v2>\n      <mapTip>[% \"label\" %]&#xa;&lt;b>[% \"kind\" %]&lt;/b></mapTip>\n    </maplayer>\n");
        }
        String doc = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis projectname=\"Bench\" version=\"3.34.12-Prizren\">\n"
                + "  <layer-tree-group>\n" + tree + "  </layer-tree-group>\n  <projectlayers>\n" + maplayers + "  </projectlayers>\n</qgis>\n";
        return doc.getBytes(StandardCharsets.UTF_8);
    }
}
