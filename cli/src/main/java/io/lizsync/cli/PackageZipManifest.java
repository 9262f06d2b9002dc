package io.lizsync.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * The package id of a package ZIP on this machine, read from its {@value #MANIFEST} (the entry and
 * field sql's {@code PackageManifest} writes: {@code package_id} at the top level). Only that field
 * is read, with jackson-core's streaming parser (already in the CLI's runtime through Vert.x; the
 * {@code sql} module would bring Flyway and the JDBC driver): the CLI needs the id to ask for a
 * registration ticket, and the sidecar checks the whole archive and central's signature before it
 * deploys anything. A ticket asked for the wrong id only fails to be redeemed.
 */
final class PackageZipManifest {

    /** Entry name of the manifest (sql {@code PackageManifest.MANIFEST}). */
    static final String MANIFEST = "manifest.json";
    /** Largest manifest read, as the sidecar accepts (sql {@code PackageArchive.MAX_MANIFEST_BYTES}). */
    static final long MAX_MANIFEST_BYTES = 64L * 1024 * 1024;

    private static final JsonFactory JSON = new JsonFactory();

    private PackageZipManifest() {
    }

    /**
     * The package id of the ZIP {@code zip}.
     *
     * @throws CliFailure when the file is not a ZIP, has no manifest, or the manifest
     *                                    has no package id
     */
    static String packageId(Path zip) throws IOException {
        try (ZipFile file = new ZipFile(zip.toFile())) {
            ZipEntry entry = file.getEntry(MANIFEST);
            if (entry == null || entry.isDirectory()) {
                throw new CliFailure(zip + " is not a LizSync package: it has no " + MANIFEST);
            }
            try (InputStream in = new Bounded(file.getInputStream(entry), MAX_MANIFEST_BYTES)) {
                return packageId(in, zip.toString());
            }
        } catch (ZipException e) {
            throw new CliFailure(zip + " is not a ZIP file (" + e.getMessage() + ")");
        }
    }

    /** The top-level {@code package_id} of a manifest; {@code source} names it in errors. */
    static String packageId(InputStream json, String source) throws IOException {
        String where = source + " (" + MANIFEST + ")";
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new CliFailure(where + " does not hold a JSON object");
            }
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("package_id")) {
                    String id = value == JsonToken.VALUE_STRING ? p.getText().strip() : "";
                    if (!Ids.isUuid(id)) {
                        throw new CliFailure(where + ": \"package_id\" is not a package id (a uuid)");
                    }
                    return id;
                }
                p.skipChildren();
            }
            throw new CliFailure(where + " has no \"package_id\"");
        } catch (JsonProcessingException e) {
            // the parser's message may quote the file's bytes: only say where it broke
            var at = e.getLocation();
            throw new CliFailure(where + " is not valid JSON"
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        }
    }

    /** Fails once more than {@code limit} bytes came out (a manifest inflated without end). */
    static final class Bounded extends FilterInputStream {
        private final long limit;
        private long left;

        Bounded(InputStream in, long limit) {
            super(in);
            this.limit = limit;
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) {
            left -= n;
            if (left < 0) {
                throw new CliFailure(MANIFEST + " is larger than " + limit + " bytes");
            }
        }
    }
}
