package dev.ordo.testing;

import dev.ordo.apilog.ApiCall;
import dev.ordo.apilog.ApiCallKind;
import dev.ordo.apilog.ApiLog;
import dev.ordo.apilog.ApiLogQuery;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** An API log in memory, for tests of the clients that record their calls. */
public final class RecordedCalls implements ApiLog {

    private final List<ApiCall> calls = new CopyOnWriteArrayList<>();

    public List<ApiCall> calls() {
        return calls;
    }

    @Override
    public void record(ApiCall call) {
        calls.add(call);
    }

    @Override
    public List<ApiCall> search(ApiLogQuery query) {
        throw new UnsupportedOperationException("calls() holds them all");
    }

    @Override
    public Filter inbound(ApiCallKind kind, Function<HttpServletRequest, String> party) {
        throw new UnsupportedOperationException("not for inbound calls");
    }
}
