package io.lizsync.sql.pkg;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Manifest of a package, stored as JSON in the entry {@value #MANIFEST} (the last entry of the ZIP but
 * for its signature {@value #SIGNATURE}). It says what the package holds (the snapshot position, the
 * schemas and tables, the extensions a clone needs) and lists every other entry with its uncompressed
 * size and SHA-256, so that a reader can tell whether anything was changed after packaging, and a
 * signature of the manifest alone covers the whole package.
 *
 * <p>JSON field names are snake_case ({@code format_version}, {@code tools_version}, ...). Reading
 * ignores unknown fields, so a later minor addition does not break an older reader; a change that
 * older readers must not misread bumps {@link #FORMAT_VERSION}. The identifiers (server, package,
 * history item) are kept as opaque text; {@code created_at} must be an ISO-8601 instant and
 * {@code mode} one of {@code "schemas"} or {@code "tables"}. {@code description} and
 * {@code requested_by} may be null or absent; so may a table's {@code fingerprint} and
 * {@code data_entry} (a table without a data entry has no rows packaged).
 *
 * <p>Lists given to the constructor are copied (a null list becomes an empty list); elements must not
 * be null.
 *
 * @param formatVersion    version of this archive format, {@link #FORMAT_VERSION} today
 * @param toolsVersion     version of the database tools (audit and lizsync schemas) of the central
 * @param centralServerId  server id of the central database
 * @param packageId        id of this package
 * @param createdAt        ISO-8601 instant of packaging, as written by {@link Instant#toString()}
 * @param tickId           change-log position of the snapshot
 * @param historySyncId    id of the 'full' history item recorded for this package
 * @param mode             {@code "schemas"} or {@code "tables"}
 * @param schemas          schemas whose structure is packaged (mode schemas), or the schemas of the tables
 * @param tables           the packaged tables, in data-entry order
 * @param extensions       extension names the clone must have (e.g. {@code postgis})
 * @param hasAdditionalSql whether the entry {@value #ADDITIONAL_SQL} is present and must be run
 * @param description      free text, may be null
 * @param requestedBy      who asked for the package, may be null
 * @param entries          every entry except {@value #MANIFEST}; filled by {@link PackageArchiveWriter}
 */
public record PackageManifest(
        int formatVersion,
        String toolsVersion,
        String centralServerId,
        String packageId,
        String createdAt,
        long tickId,
        String historySyncId,
        String mode,
        List<String> schemas,
        List<Table> tables,
        List<String> extensions,
        boolean hasAdditionalSql,
        String description,
        String requestedBy,
        List<Entry> entries) {

    /** The archive format version this code writes and reads. */
    public static final int FORMAT_VERSION = 1;
    /** Entry name of the manifest itself. */
    public static final String MANIFEST = "manifest.json";
    /**
     * Entry name of central's signature of the manifest ({@link PackageSignature}); like the
     * manifest, not listed in it.
     */
    public static final String SIGNATURE = "manifest.sig";
    /** Entry name of the structure created before the data is loaded (schemas, tables, types). */
    public static final String PRE_DATA = "structure/pre-data.sql";
    /** Entry name of the structure created after the data is loaded (indexes, constraints, triggers). */
    public static final String POST_DATA = "structure/post-data.sql";
    /** Entry name of the optional SQL run on the clone after deployment. */
    public static final String ADDITIONAL_SQL = "additional.sql";
    /** The two accepted values of {@link #mode()}. */
    public static final List<String> MODES = List.of("schemas", "tables");

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Copies the lists (null becomes empty). */
    public PackageManifest {
        schemas = copy(schemas);
        tables = copy(tables);
        extensions = copy(extensions);
        entries = copy(entries);
    }

    /**
     * Data entry name of the table at index {@code index} (0-based): {@code "data/00001.copy"} for 0.
     *
     * @throws IllegalArgumentException for a negative index
     */
    public static String dataEntry(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("a table index cannot be negative: " + index);
        }
        return String.format(Locale.ROOT, "data/%05d.copy", (long) index + 1);
    }

    /**
     * One packaged table.
     *
     * @param schema      schema name
     * @param table       table name
     * @param fingerprint fingerprint of the table structure, may be null
     * @param columns     column names in the order of the COPY data
     * @param rowCount    number of rows in the data entry
     * @param dataEntry   name of the entry holding the COPY text of the rows, may be null (no data)
     */
    public record Table(String schema, String table, String fingerprint, List<String> columns, long rowCount,
            String dataEntry) {

        /** Copies the column list (null becomes empty). */
        public Table {
            columns = copy(columns);
        }
    }

    /**
     * One entry of the archive as the writer wrote it.
     *
     * @param name   entry name inside the ZIP
     * @param size   uncompressed size in bytes
     * @param sha256 lower-case hex SHA-256 of the uncompressed bytes
     */
    public record Entry(String name, long size, String sha256) {
    }

    /** This manifest with another entry list. */
    public PackageManifest withEntries(List<Entry> entries) {
        return new PackageManifest(formatVersion, toolsVersion, centralServerId, packageId, createdAt, tickId,
                historySyncId, mode, schemas, tables, extensions, hasAdditionalSql, description, requestedBy,
                entries);
    }

    /** This manifest with another table list. */
    public PackageManifest withTables(List<Table> tables) {
        return new PackageManifest(formatVersion, toolsVersion, centralServerId, packageId, createdAt, tickId,
                historySyncId, mode, schemas, tables, extensions, hasAdditionalSql, description, requestedBy,
                entries);
    }

    /** The manifest as pretty-printed JSON with snake_case field names. */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("format_version", formatVersion);
        root.put("tools_version", toolsVersion);
        root.put("central_server_id", centralServerId);
        root.put("package_id", packageId);
        root.put("created_at", createdAt);
        root.put("tick_id", tickId);
        root.put("history_sync_id", historySyncId);
        root.put("mode", mode);
        strings(root.putArray("schemas"), schemas);
        ArrayNode tableArray = root.putArray("tables");
        for (Table t : tables) {
            ObjectNode node = tableArray.addObject();
            node.put("schema", t.schema());
            node.put("table", t.table());
            node.put("fingerprint", t.fingerprint());
            strings(node.putArray("columns"), t.columns());
            node.put("row_count", t.rowCount());
            node.put("data_entry", t.dataEntry());
        }
        strings(root.putArray("extensions"), extensions);
        root.put("has_additional_sql", hasAdditionalSql);
        root.put("description", description);
        root.put("requested_by", requestedBy);
        ArrayNode entryArray = root.putArray("entries");
        for (Entry e : entries) {
            ObjectNode node = entryArray.addObject();
            node.put("name", e.name());
            node.put("size", e.size());
            node.put("sha256", e.sha256());
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            // A tree of strings and numbers always serialises.
            throw new IllegalStateException("cannot write the package manifest as JSON", e);
        }
    }

    /**
     * Parses a manifest. The format version is read first: a version other than
     * {@link #FORMAT_VERSION} is refused before any other field is looked at, since another version
     * may have other fields.
     *
     * @throws PackageFormatException on text that is not JSON, a missing required field, a field of
     *                                the wrong type, an unsupported format version or an invalid value
     */
    public static PackageManifest fromJson(byte[] json) throws PackageFormatException {
        if (json == null || json.length == 0) {
            throw new PackageFormatException(MANIFEST + " is empty");
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new PackageFormatException(MANIFEST + " is not valid JSON: " + describe(e), e);
        } catch (IOException e) {
            throw new PackageFormatException(MANIFEST + " is not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new PackageFormatException(MANIFEST + " is empty");
        }
        if (!root.isObject()) {
            throw new PackageFormatException(MANIFEST + " must hold a JSON object, found " + kind(root));
        }
        Fields f = new Fields(root, "");
        int version = f.integer("format_version");
        if (version != FORMAT_VERSION) {
            throw new PackageFormatException("unknown package format version " + version
                    + "; this sync-service reads version " + FORMAT_VERSION);
        }
        String createdAt = f.text("created_at");
        try {
            Instant.parse(createdAt);
        } catch (DateTimeParseException e) {
            throw new PackageFormatException(MANIFEST + ": field \"created_at\" must be an ISO-8601 instant"
                    + " (e.g. 2024-05-01T12:00:00Z), found " + PackageArchive.quote(createdAt));
        }
        String mode = f.text("mode");
        if (!MODES.contains(mode)) {
            throw new PackageFormatException(MANIFEST + ": field \"mode\" must be \"schemas\" or \"tables\", found "
                    + PackageArchive.quote(mode));
        }
        List<Table> tables = new ArrayList<>();
        JsonNode tableArray = f.array("tables");
        for (int i = 0; i < tableArray.size(); i++) {
            Fields t = f.element("tables", tableArray, i);
            tables.add(new Table(t.text("schema"), t.text("table"), t.optionalText("fingerprint"),
                    t.strings("columns"), t.longInteger("row_count"), t.optionalText("data_entry")));
        }
        List<Entry> entries = new ArrayList<>();
        JsonNode entryArray = f.array("entries");
        for (int i = 0; i < entryArray.size(); i++) {
            Fields e = f.element("entries", entryArray, i);
            String name = e.text("name");
            long size = e.longInteger("size");
            if (size < 0) {
                throw new PackageFormatException(MANIFEST + ": field \"" + e.path("size")
                        + "\" cannot be negative, found " + size);
            }
            String sha = e.text("sha256");
            if (!isSha256Hex(sha)) {
                throw new PackageFormatException(MANIFEST + ": field \"" + e.path("sha256")
                        + "\" must be 64 lower-case hex digits");
            }
            entries.add(new Entry(name, size, sha));
        }
        return new PackageManifest(version, f.text("tools_version"), f.text("central_server_id"),
                f.text("package_id"), createdAt, f.longInteger("tick_id"), f.text("history_sync_id"), mode,
                f.strings("schemas"), tables, f.strings("extensions"), f.bool("has_additional_sql"),
                f.optionalText("description"), f.optionalText("requested_by"), entries);
    }

    private static boolean isSha256Hex(String s) {
        if (s.length() != 64) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    private static String describe(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        JsonLocation at = e.getLocation();
        if (at != null && at.getLineNr() > 0) {
            message += " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
        }
        // the parser may echo bits of the (untrusted) text: keep the message printable
        StringBuilder printable = new StringBuilder(message.length());
        message.codePoints().forEach(c -> printable.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return printable.toString();
    }

    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> node.isIntegralNumber() ? "an integer" : "a decimal number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    private static void strings(ArrayNode array, List<String> values) {
        for (String v : values) {
            array.add(v);
        }
    }

    private static <T> List<T> copy(List<T> list) {
        return list == null ? List.of() : List.copyOf(list);
    }

    /** Typed access to the fields of one JSON object, with messages naming the field's path. */
    private static final class Fields {
        private final JsonNode node;
        private final String prefix;

        Fields(JsonNode node, String prefix) {
            this.node = node;
            this.prefix = prefix;
        }

        String path(String field) {
            return prefix + field;
        }

        private JsonNode required(String field) throws PackageFormatException {
            JsonNode value = node.get(field);
            if (value == null) {
                throw new PackageFormatException(MANIFEST + ": required field \"" + path(field) + "\" is missing");
            }
            if (value.isNull()) {
                throw new PackageFormatException(MANIFEST + ": required field \"" + path(field) + "\" is null");
            }
            return value;
        }

        private PackageFormatException wrongType(String field, String expected, JsonNode value) {
            return new PackageFormatException(MANIFEST + ": field \"" + path(field) + "\" must be " + expected
                    + ", found " + kind(value));
        }

        String text(String field) throws PackageFormatException {
            JsonNode value = required(field);
            if (!value.isTextual()) {
                throw wrongType(field, "a string", value);
            }
            return value.textValue();
        }

        String optionalText(String field) throws PackageFormatException {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return null;
            }
            if (!value.isTextual()) {
                throw wrongType(field, "a string or null", value);
            }
            return value.textValue();
        }

        int integer(String field) throws PackageFormatException {
            JsonNode value = required(field);
            if (!value.isIntegralNumber() || !value.canConvertToInt()) {
                throw wrongType(field, "an integer", value);
            }
            return value.intValue();
        }

        long longInteger(String field) throws PackageFormatException {
            JsonNode value = required(field);
            if (!value.isIntegralNumber() || !value.canConvertToLong()) {
                throw wrongType(field, "an integer", value);
            }
            return value.longValue();
        }

        boolean bool(String field) throws PackageFormatException {
            JsonNode value = required(field);
            if (!value.isBoolean()) {
                throw wrongType(field, "true or false", value);
            }
            return value.booleanValue();
        }

        JsonNode array(String field) throws PackageFormatException {
            JsonNode value = required(field);
            if (!value.isArray()) {
                throw wrongType(field, "an array", value);
            }
            return value;
        }

        List<String> strings(String field) throws PackageFormatException {
            JsonNode array = array(field);
            List<String> out = new ArrayList<>(array.size());
            for (int i = 0; i < array.size(); i++) {
                JsonNode item = array.get(i);
                if (!item.isTextual()) {
                    throw new PackageFormatException(MANIFEST + ": field \"" + path(field) + "[" + i
                            + "]\" must be a string, found " + kind(item));
                }
                out.add(item.textValue());
            }
            return out;
        }

        Fields element(String field, JsonNode array, int index) throws PackageFormatException {
            JsonNode item = array.get(index);
            String at = path(field) + "[" + index + "]";
            if (!item.isObject()) {
                throw new PackageFormatException(MANIFEST + ": field \"" + at + "\" must be an object, found "
                        + kind(item));
            }
            return new Fields(item, at + ".");
        }
    }
}
