package io.lizsync.sql.pkg;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The signature of a package: central's Ed25519 signature over the exact bytes of
 * {@value PackageManifest#MANIFEST}, kept in the entry {@value PackageManifest#SIGNATURE} with the id of the
 * key that made it. The manifest lists every other entry with its size and SHA-256, so the
 * signature covers everything a deploy reads (the reader refuses entries the manifest does not
 * list and checks every byte it hands out against the manifest).
 *
 * <p>The entry is a small JSON object: {@code {"algorithm": "Ed25519", "key_id": "<hex>",
 * "signature": "<base64>"}}. The key id is the lower-case hex SHA-256 of the public key's X.509
 * SubjectPublicKeyInfo bytes (what {@code openssl pkey -pubout -outform DER | sha256sum} prints),
 * so an operator can tell which key signed a package and which one a clone trusts.
 */
public final class PackageSignature {

    /** The only algorithm written and accepted. */
    public static final String ALGORITHM = "Ed25519";
    /** Largest accepted signature entry, in bytes (the real one is under 200). */
    public static final int MAX_ENTRY_BYTES = 4096;

    private static final ObjectMapper JSON = new ObjectMapper();

    private PackageSignature() {
    }

    /** The key id of {@code key}: lower-case hex SHA-256 of its SubjectPublicKeyInfo. */
    public static String keyId(PublicKey key) {
        return HexFormat.of().formatHex(PackageArchive.sha256().digest(key.getEncoded()));
    }

    /** Signs manifests with central's private key (packaging-service). */
    public static final class Signer {
        private final PrivateKey key;
        private final String keyId;

        /**
         * @throws IllegalArgumentException when the pair is not an Ed25519 pair whose halves belong together
         */
        public Signer(KeyPair pair) {
            Objects.requireNonNull(pair, "pair");
            requireEd25519(pair.getPublic());
            this.key = pair.getPrivate();
            this.keyId = PackageSignature.keyId(pair.getPublic());
            byte[] probe = "lizsync package signing probe".getBytes(StandardCharsets.US_ASCII);
            if (!matches(pair.getPublic(), probe, raw(probe))) {
                throw new IllegalArgumentException("the package-signing private and public keys do not belong together");
            }
        }

        public String keyId() {
            return keyId;
        }

        /** The content of {@value PackageManifest#SIGNATURE} for these manifest bytes. */
        public byte[] sign(byte[] manifest) {
            ObjectNode node = JSON.createObjectNode();
            node.put("algorithm", ALGORITHM);
            node.put("key_id", keyId);
            node.put("signature", Base64.getEncoder().encodeToString(raw(manifest)));
            return (node.toString() + "\n").getBytes(StandardCharsets.UTF_8);
        }

        private byte[] raw(byte[] data) {
            try {
                Signature s = Signature.getInstance(ALGORITHM);
                s.initSign(key);
                s.update(data);
                return s.sign();
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("cannot sign with the package-signing key: " + e.getMessage(), e);
            }
        }
    }

    /** Checks manifests against the one key a clone trusts, its central's public key (the sidecar). */
    public static final class Verifier {
        private final PublicKey key;
        private final String keyId;

        public Verifier(PublicKey key) {
            this.key = requireEd25519(Objects.requireNonNull(key, "key"));
            this.keyId = PackageSignature.keyId(key);
        }

        public String keyId() {
            return keyId;
        }

        /**
         * Passes when {@code entry} is a signature by this key of exactly {@code manifest}.
         *
         * @param entry the bytes of {@value PackageManifest#SIGNATURE}, null when the package has none
         * @throws PackageFormatException naming the problem: unsigned, signed by another key, or a
         *                                manifest that is not the one signed
         */
        public void verify(byte[] manifest, byte[] entry) throws PackageFormatException {
            if (entry == null) {
                throw new PackageFormatException("the package is not signed (it has no " + PackageManifest.SIGNATURE
                        + "): this clone deploys only packages signed by its central's package-signing key (key id "
                        + keyId + ")");
            }
            JsonNode node;
            try {
                node = JSON.readTree(entry);
            } catch (JsonProcessingException e) {
                throw malformed("it is not JSON");
            } catch (java.io.IOException e) {
                throw malformed(e.getMessage());
            }
            if (node == null || !node.isObject()) {
                throw malformed("it is not a JSON object");
            }
            String algorithm = text(node, "algorithm");
            if (!ALGORITHM.equals(algorithm)) {
                throw new PackageFormatException("the package is signed with " + PackageArchive.quote(algorithm)
                        + "; this clone accepts " + ALGORITHM + " signatures only");
            }
            String signedBy = text(node, "key_id");
            if (!keyId.equals(signedBy)) {
                throw new PackageFormatException("the package is signed by another key (key id "
                        + PackageArchive.quote(signedBy) + "); this clone deploys only packages signed by its central's "
                        + "package-signing key (key id " + keyId + ")");
            }
            byte[] signature;
            try {
                signature = Base64.getDecoder().decode(text(node, "signature"));
            } catch (IllegalArgumentException e) {
                throw malformed("its signature is not base64");
            }
            if (!matches(key, manifest, signature)) {
                throw new PackageFormatException("the package's " + PackageManifest.MANIFEST + " does not match its "
                        + "signature (key id " + keyId + "): it was changed after central signed it");
            }
        }

        private static String text(JsonNode node, String field) throws PackageFormatException {
            JsonNode value = node.get(field);
            if (value == null || !value.isTextual()) {
                throw malformed("field \"" + field + "\" is missing or not a string");
            }
            return value.textValue();
        }

        private static PackageFormatException malformed(String why) {
            return new PackageFormatException("the package's " + PackageManifest.SIGNATURE + " is malformed: " + why);
        }
    }

    private static PublicKey requireEd25519(PublicKey key) {
        if (!(key instanceof java.security.interfaces.EdECPublicKey ed)
                || !ALGORITHM.equalsIgnoreCase(ed.getParams().getName())) {
            throw new IllegalArgumentException("a package-signing key must be an Ed25519 key, not " + key.getAlgorithm());
        }
        return key;
    }

    private static boolean matches(PublicKey key, byte[] data, byte[] signature) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initVerify(key);
            s.update(data);
            return s.verify(signature);
        } catch (java.security.InvalidKeyException e) {
            throw new IllegalArgumentException("the package-signing public key is not an Ed25519 key", e);
        } catch (GeneralSecurityException e) {
            // a signature of the wrong length or form is simply not a signature of this manifest
            return false;
        }
    }
}
