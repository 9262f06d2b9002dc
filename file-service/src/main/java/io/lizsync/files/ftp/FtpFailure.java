package io.lizsync.files.ftp;

/**
 * A failure of an FTP operation, with the gRPC status it means (the one table in GrpcErrors maps
 * {@link #code()} by name). Messages name the endpoint and quote the server's reply; they never
 * hold a password.
 */
public class FtpFailure extends RuntimeException {

    /** gRPC status names of the failures of FTP work. */
    public enum Code {
        UNAUTHENTICATED, NOT_FOUND, UNAVAILABLE, RESOURCE_EXHAUSTED, FAILED_PRECONDITION, PERMISSION_DENIED,
        DATA_LOSS, CANCELLED
    }

    private final Code code;

    public FtpFailure(Code code, String message) {
        super(message);
        this.code = code;
    }

    public FtpFailure(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public Code code() {
        return code;
    }

    /** The failure a negative reply to a transfer means: full disk or quota, refused name, or a lost file. */
    public static FtpFailure ofReply(int code, String reply, String what) {
        String text = what + ": the server answered \"" + clean(reply) + "\"";
        return switch (code) {
            case 452, 552 -> new FtpFailure(Code.RESOURCE_EXHAUSTED, text + " (its disk or quota is full)");
            case 451 -> new FtpFailure(Code.RESOURCE_EXHAUSTED, text + " (it could not write: its disk or quota may be full)");
            case 530, 532 -> new FtpFailure(Code.UNAUTHENTICATED, text);
            case 550 -> new FtpFailure(Code.NOT_FOUND, text);
            case 553, 551, 450 -> new FtpFailure(Code.PERMISSION_DENIED, text);
            case 421, 425, 426 -> new FtpFailure(Code.UNAVAILABLE, text);
            default -> new FtpFailure(Code.DATA_LOSS, text);
        };
    }

    /** A server reply without control characters, at most 300 characters. */
    static String clean(String reply) {
        String s = reply == null ? "" : reply.strip().replaceAll("\\p{Cntrl}+", " ");
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }
}
