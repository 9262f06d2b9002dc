package io.lizsync.qgis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class XmlDocTest {

    @ParameterizedTest
    @ValueSource(strings = {"demo.qgs", "base/base.qgs", "kinds.qlr", "poi.qml"})
    void aQgisFileIsWrittenBackByteForByte(String fixture) throws Exception {
        byte[] original = Fixtures.resource(fixture);
        assertEquals(new String(original, StandardCharsets.UTF_8),
                new String(XmlDoc.parse(original).toBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void declarationCommentsAndSpecialCharactersSurvive() throws Exception {
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- made by hand -->\n"
                + "<qgis a=\"x&#xa;y&quot;'&amp;&lt;>\" b=\"t&#x9;ab\"><e></e><f/>é ]]&gt; &lt;x&gt;<?pi data?></qgis>\n";
        String back = new String(XmlDoc.parse(xml.getBytes(StandardCharsets.UTF_8)).toBytes(), StandardCharsets.UTF_8);
        assertEquals(xml.replace("&lt;x&gt;", "&lt;x>"), back);
    }

    @Test
    void notXmlIsAClearError() {
        XmlDoc.NotQgisXmlException e = assertThrows(XmlDoc.NotQgisXmlException.class,
                () -> XmlDoc.parse("<qgis><a></qgis>".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().startsWith("not well-formed XML (line 1)"), e.getMessage());
        assertThrows(XmlDoc.NotQgisXmlException.class, () -> XmlDoc.parse(new byte[0]));
    }
}
