package io.lizsync.qgis;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/** The hand-written QGIS files of the tests (src/test/resources/qgis), archives and XPath reads. */
final class Fixtures {

    static final PgTarget CENTRAL = PgTarget.of("central.example", 5432, "gis", "editor");
    static final PgTarget CLONE = PgTarget.of("localhost", 5432, "geopoppy", "field");

    private Fixtures() {
    }

    static byte[] resource(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/qgis/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path copy(String name, Path folder, String as) throws IOException {
        Path target = folder.resolve(as);
        Files.createDirectories(target.getParent());
        Files.write(target, resource(name));
        return target;
    }

    /** A .qgz as QGIS writes it: the project (deflated) and an auxiliary database (stored here to test both methods). */
    static byte[] qgz(String entryName, byte[] project, byte[] qgd) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry(entryName));
            zip.write(project);
            zip.closeEntry();
            ZipEntry aux = new ZipEntry(entryName.endsWith(".qgs") ? entryName.replace(".qgs", ".qgd") : entryName + ".qgd");
            aux.setMethod(ZipEntry.STORED);
            CRC32 crc = new CRC32();
            crc.update(qgd);
            aux.setSize(qgd.length);
            aux.setCompressedSize(qgd.length);
            aux.setCrc(crc.getValue());
            zip.putNextEntry(aux);
            zip.write(qgd);
            zip.closeEntry();
        }
        return out.toByteArray();
    }

    /** Entry name → content, in archive order. */
    static Map<String, byte[]> entries(byte[] zip) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                out.put(e.getName(), in.readAllBytes());
            }
        }
        return out;
    }

    static Document dom(byte[] xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
    }

    /** The string values an XPath selects (attributes or elements' text). */
    static List<String> xpath(byte[] xml, String expression) throws Exception {
        NodeList nodes = (NodeList) XPathFactory.newInstance().newXPath().evaluate(expression, dom(xml), XPathConstants.NODESET);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add(nodes.item(i).getTextContent());
        }
        return out;
    }
}
