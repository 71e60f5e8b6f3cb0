package dev.ordo.shared;

import java.net.URI;
import org.springframework.http.ProblemDetail;

/**
 * Builds RFC 9457 problem details with the two extra members seed-compatible clients read:
 * {@code code} (number, see {@link ErrorCode}) and {@code msg} (the human message).
 */
public final class Problems {

    private Problems() {}

    public static ProblemDetail of(ErrorCode errorCode, String message, String path) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(errorCode.status(), message);
        problem.setType(URI.create(errorCode.type()));
        problem.setTitle(errorCode.title());
        if (path != null) {
            problem.setInstance(URI.create(safePath(path)));
        }
        problem.setProperty("code", errorCode.code());
        problem.setProperty("msg", message);
        return problem;
    }

    /** Request paths come from the client: keep only characters a URI path may hold, and not too many. */
    private static String safePath(String path) {
        String cleaned = path.replaceAll("[^A-Za-z0-9/._~\\-]", "_");
        return cleaned.length() > 200 ? cleaned.substring(0, 200) : cleaned;
    }
}
