package dev.ordo.apilog;

import dev.ordo.shared.Urls;
import java.time.Instant;

/**
 * One integration call.
 *
 * @param logId      the entry's id (0 on a call handed to {@link ApiLog#record})
 * @param at         when the call began
 * @param party      the channel or supplier on the other side, when known
 * @param endpoint   the path called (inbound) or the URL without its query (outbound)
 * @param reference  what the call was about: the channel's request_no, or Ordo's delivery (order_no)
 * @param request    what was sent: the parameters or the form, as far as {@code ordo.api-log.max-text} allows
 * @param status     the HTTP status answered; null when no answer came (the reason is in {@code response})
 * @param response   what was answered, or why nothing was, as far as {@code ordo.api-log.max-text} allows
 * @param durationMs how long the call took
 */
public record ApiCall(
        long logId,
        Instant at,
        ApiCallKind kind,
        String party,
        String endpoint,
        String reference,
        String request,
        Integer status,
        String response,
        long durationMs) {

    /** A call to be recorded. */
    public static ApiCall of(
            Instant at,
            ApiCallKind kind,
            String party,
            String endpoint,
            String reference,
            String request,
            Integer status,
            String response,
            long durationMs) {
        return new ApiCall(0, at, kind, party, endpoint, reference, request, status, response, durationMs);
    }

    /**
     * How an outgoing call's URL is logged: without its query and fragment, and its user info
     * masked, as either may carry credentials.
     */
    public static String endpointOf(String url) {
        if (url == null) {
            return "";
        }
        int end = url.length();
        for (char stop : new char[] {'?', '#'}) {
            int at = url.indexOf(stop);
            if (at >= 0 && at < end) {
                end = at;
            }
        }
        return Urls.withoutUserInfo(url.substring(0, end));
    }

    /** Answered with a status other than 2xx, or not answered at all. */
    public boolean failed() {
        return status == null || status / 100 != 2;
    }
}
