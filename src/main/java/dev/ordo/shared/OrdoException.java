package dev.ordo.shared;

/**
 * A refusal with a stable {@link ErrorCode} and a message meant for the caller. Thrown before
 * anything is written, or inside a transaction that it rolls back.
 */
public class OrdoException extends RuntimeException {

    private final ErrorCode errorCode;

    public OrdoException(ErrorCode errorCode, String message) {
        super(message);
        this.errorCode = errorCode;
    }

    public ErrorCode errorCode() {
        return errorCode;
    }

    public static OrdoException badParameter(String message) {
        return new OrdoException(ErrorCode.BAD_PARAMETER, message);
    }

    public static OrdoException notFound(String message) {
        return new OrdoException(ErrorCode.NOT_FOUND, message);
    }
}
