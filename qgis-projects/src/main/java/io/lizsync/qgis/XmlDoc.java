package io.lizsync.qgis;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * A QGIS XML file (project, layer definition, style) held as a small tree that keeps what a
 * rewrite must not lose: the attribute order, the document type declaration, comments and
 * processing instructions, every text node. Read with the JDK's StAX parser (no DTD processing, no
 * external entities: a project cannot make this process read another file), written back in
 * QGIS's own escaping (Qt's: attributes in double quotes; {@code <}, {@code &} and in attributes
 * {@code "} escaped, {@code >} only after {@code ]]}; line breaks and tabs in attribute values as
 * {@code &#xa;} and {@code &#x9;} so that they survive a reparse). An unchanged QGIS file is written
 * back byte for byte ({@code XmlDocTest}). Not namespace-aware: prefixes are kept as written.
 */
final class XmlDoc {

    /** A node of the tree. */
    sealed interface Node permits Element, Text, Raw {
    }

    /** An element: its name as written, attributes in document order, children. */
    static final class Element implements Node {
        final String name;
        final List<String[]> attributes = new ArrayList<>();
        final List<Node> children = new ArrayList<>();
        /** Written {@code <a/>} rather than {@code <a></a>} (told apart by the parser's offsets). */
        boolean selfClosing = true;
        long startEnd;

        Element(String name) {
            this.name = name;
        }

        String attr(String key) {
            for (String[] a : attributes) {
                if (a[0].equals(key)) {
                    return a[1];
                }
            }
            return null;
        }

        void setAttr(String key, String value) {
            for (String[] a : attributes) {
                if (a[0].equals(key)) {
                    a[1] = value;
                    return;
                }
            }
            attributes.add(new String[] {key, value});
        }

        /** The concatenated text children (an element such as {@code <datasource>}). */
        String text() {
            StringBuilder sb = new StringBuilder();
            for (Node n : children) {
                if (n instanceof Text t) {
                    sb.append(t.text);
                }
            }
            return sb.toString();
        }

        void setText(String text) {
            children.removeIf(n -> n instanceof Text);
            children.add(0, new Text(text));
        }

        Element child(String childName) {
            for (Node n : children) {
                if (n instanceof Element e && e.name.equals(childName)) {
                    return e;
                }
            }
            return null;
        }
    }

    /** Character data. */
    record Text(String text) implements Node {
    }

    /** A comment, processing instruction or document type declaration, written as read. */
    record Raw(String markup) implements Node {
    }

    final String xmlVersion;
    final String encoding;
    final List<Node> prolog;
    final Element root;
    final List<Node> epilog;

    private XmlDoc(String xmlVersion, String encoding, List<Node> prolog, Element root, List<Node> epilog) {
        this.xmlVersion = xmlVersion;
        this.encoding = encoding;
        this.prolog = prolog;
        this.root = root;
        this.epilog = epilog;
    }

    private static final XMLInputFactory FACTORY = newFactory();

    private static XMLInputFactory newFactory() {
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, false);
        f.setProperty(XMLInputFactory.IS_COALESCING, true);
        return f;
    }

    /** Parses a document; {@link NotQgisXmlException} when it is not well-formed XML. */
    static XmlDoc parse(byte[] bytes) throws NotQgisXmlException {
        XMLStreamReader r = null;
        try {
            r = FACTORY.createXMLStreamReader(new ByteArrayInputStream(bytes));
            String version = r.getVersion();
            String encoding = r.getCharacterEncodingScheme();
            List<Node> prolog = new ArrayList<>();
            List<Node> epilog = new ArrayList<>();
            Element root = null;
            List<Element> stack = new ArrayList<>();
            while (r.hasNext()) {
                int event = r.next();
                Element current = stack.isEmpty() ? null : stack.get(stack.size() - 1);
                List<Node> target = current != null ? current.children : root == null ? prolog : epilog;
                switch (event) {
                    case XMLStreamConstants.START_ELEMENT -> {
                        Element e = new Element(qname(r.getPrefix(), r.getLocalName()));
                        for (int i = 0; i < r.getAttributeCount(); i++) {
                            e.attributes.add(new String[] {
                                qname(r.getAttributePrefix(i), r.getAttributeLocalName(i)), r.getAttributeValue(i)});
                        }
                        if (current == null) {
                            root = e;
                        } else {
                            current.children.add(e);
                        }
                        e.startEnd = r.getLocation().getCharacterOffset();
                        stack.add(e);
                    }
                    case XMLStreamConstants.END_ELEMENT -> {
                        Element done = stack.remove(stack.size() - 1);
                        done.selfClosing = done.children.isEmpty() && r.getLocation().getCharacterOffset() == done.startEnd;
                    }
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                        if (current != null) {
                            appendText(current.children, r.getText());
                        }
                    }
                    case XMLStreamConstants.COMMENT -> target.add(new Raw("<!--" + r.getText() + "-->"));
                    case XMLStreamConstants.PROCESSING_INSTRUCTION -> target.add(new Raw(
                            "<?" + r.getPITarget() + (r.getPIData() == null || r.getPIData().isEmpty() ? "" : " " + r.getPIData()) + "?>"));
                    case XMLStreamConstants.DTD -> target.add(new Raw(r.getText()));
                    default -> {
                        // END_DOCUMENT, entity references (not expanded without a DTD: none in QGIS files)
                    }
                }
            }
            if (root == null) {
                throw new NotQgisXmlException("no root element");
            }
            return new XmlDoc(version, encoding, prolog, root, epilog);
        } catch (XMLStreamException e) {
            String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNumber() + ")";
            throw new NotQgisXmlException("not well-formed XML" + where + ": " + firstLine(e.getMessage()));
        } finally {
            if (r != null) {
                try {
                    r.close();
                } catch (XMLStreamException ignored) {
                    // nothing held
                }
            }
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        String m = message.strip();
        int nl = m.lastIndexOf('\n');
        return nl >= 0 ? m.substring(nl + 1).strip() : m;
    }

    private static void appendText(List<Node> children, String text) {
        if (!children.isEmpty() && children.get(children.size() - 1) instanceof Text t) {
            children.set(children.size() - 1, new Text(t.text + text));
        } else {
            children.add(new Text(text));
        }
    }

    private static String qname(String prefix, String local) {
        return prefix == null || prefix.isEmpty() ? local : prefix + ":" + local;
    }

    /** The document as bytes, in its declared encoding (UTF-8 when it declares none). */
    byte[] toBytes() {
        Charset charset = StandardCharsets.UTF_8;
        if (encoding != null) {
            try {
                charset = Charset.forName(encoding);
            } catch (RuntimeException e) {
                charset = StandardCharsets.UTF_8;
            }
        }
        StringBuilder w = new StringBuilder(1 << 16);
        if (xmlVersion != null) {
            w.append("<?xml version=\"").append(xmlVersion).append('"');
            if (encoding != null) {
                w.append(" encoding=\"").append(encoding).append('"');
            }
            w.append("?>\n");
        }
        for (Node n : prolog) {
            write(w, n);
            w.append('\n');
        }
        write(w, root);
        w.append('\n');
        for (Node n : epilog) {
            write(w, n);
            w.append('\n');
        }
        if (charset.equals(StandardCharsets.UTF_8)) {
            return w.toString().getBytes(StandardCharsets.UTF_8);
        }
        try {
            ByteBuffer bytes = charset.newEncoder().encode(CharBuffer.wrap(w));
            byte[] out = new byte[bytes.remaining()];
            bytes.get(out);
            return out;
        } catch (CharacterCodingException e) {
            throw new IllegalStateException("a character of the project cannot be written in " + charset, e);
        }
    }

    private static void write(StringBuilder w, Node node) {
        if (node instanceof Raw raw) {
            w.append(raw.markup());
        } else if (node instanceof Text t) {
            escape(w, t.text(), false);
        } else if (node instanceof Element e) {
            w.append('<').append(e.name);
            for (String[] a : e.attributes) {
                w.append(' ').append(a[0]).append("=\"");
                escape(w, a[1], true);
                w.append('"');
            }
            if (e.children.isEmpty() && e.selfClosing) {
                w.append("/>");
                return;
            }
            w.append('>');
            for (Node c : e.children) {
                write(w, c);
            }
            w.append("</").append(e.name).append('>');
        }
    }

    private static void escape(StringBuilder w, String s, boolean attribute) {
        int from = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String replacement = switch (c) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> i >= 2 && s.charAt(i - 1) == ']' && s.charAt(i - 2) == ']' ? "&gt;" : null;
                case '"' -> attribute ? "&quot;" : null;
                case '\n' -> attribute ? "&#xa;" : null;
                case '\r' -> "&#xd;";
                case '\t' -> attribute ? "&#x9;" : null;
                default -> null;
            };
            if (replacement != null) {
                w.append(s, from, i).append(replacement);
                from = i + 1;
            }
        }
        w.append(s, from, s.length());
    }

    /** A file that should be QGIS XML and is not. */
    static final class NotQgisXmlException extends Exception {
        NotQgisXmlException(String message) {
            super(message);
        }
    }
}
