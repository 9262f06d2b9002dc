package io.lizsync.cli;

import java.util.regex.Pattern;

/** Ids as the gateway takes them, checked before a request is made. */
final class Ids {

    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern JOB = Pattern.compile("[a-z]+(-[a-z]+)*-" + UUID.pattern());

    private Ids() {
    }

    static boolean isUuid(String text) {
        return text != null && UUID.matcher(text).matches();
    }

    /** {@code value} stripped, refused with the option's name when it is not a uuid. */
    static String uuid(String option, String value, String what) {
        String id = value == null ? "" : value.strip();
        if (!isUuid(id)) {
            throw new UsageException(option + ": '" + id + "' is not " + what + " (a uuid)");
        }
        return id;
    }

    /** A job id: {@code <kind>-<uuid>} (build-..., deploy-...). */
    static String job(String value) {
        String id = value == null ? "" : value.strip();
        if (!JOB.matcher(id).matches()) {
            throw new UsageException("'" + id + "' is not a job id (like build-<uuid>)");
        }
        return id;
    }

    /** The package id a finished build job names in its result ({@code package:<uuid>}). */
    static String packageOfResult(String result) {
        String prefix = "package:";
        if (result == null || !result.startsWith(prefix) || !isUuid(result.substring(prefix.length()))) {
            throw new CliFailure("the build job succeeded without naming its package (result '" + result + "')");
        }
        return result.substring(prefix.length());
    }
}
