package io.lizsync.sql.pkg;

/**
 * A package archive that cannot be trusted or understood: not a readable ZIP, an unsafe or unlisted
 * entry, a missing or malformed manifest, an unsupported format version, a size or ratio beyond the
 * limits, or an entry whose content no longer matches the manifest. The message names the problem
 * (and the entry, when there is one) in words meant for an operator.
 */
public class PackageFormatException extends Exception {

    private static final long serialVersionUID = 1L;

    /** A refusal described by {@code message}. */
    public PackageFormatException(String message) {
        super(message);
    }

    /** A refusal described by {@code message}, caused by {@code cause}. */
    public PackageFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
