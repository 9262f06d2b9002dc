package io.lizsync.gateway.ui;

/**
 * What a page says after a form post sent the browser back to it (303): a fixed sentence per
 * outcome code carried in the query ({@code ?done=…&n=…}), so that no text of the request is
 * echoed into the page.
 */
public final class Flash {

    private Flash() {
    }

    /** The sentence of an outcome code (null for none or an unknown one); {@code n} a count where it says one. */
    public static String message(String done, String n) {
        if (done == null) {
            return null;
        }
        String count = n != null && n.matches("[0-9]{1,9}") ? n : "?";
        return switch (done) {
            case "keep-central" -> "Kept central's value for " + count + " conflict(s).";
            case "keep-clone" -> "Kept the clone's value for " + count + " conflict(s).";
            case "set-value" -> "Wrote the typed value for " + count + " conflict(s).";
            case "none-selected" -> "No conflict was selected: nothing was done.";
            case "assigned" -> "The package is assigned: the clone deploys it at its next contact.";
            case "revoked" -> "Revoked " + count + " credential(s) of the clone: its next sync is refused.";
            case "deleted" -> "The package was deleted.";
            case "user-created" -> "The user was created.";
            case "token-revoked" -> "The API token was revoked.";
            case "device-blocked" -> "The device is blocked: its requests are refused until it is unblocked.";
            case "device-unblocked" -> "The device is unblocked.";
            case "device-forgotten" -> "The device was forgotten: its UUID registers again as a new device.";
            default -> null;
        };
    }
}
