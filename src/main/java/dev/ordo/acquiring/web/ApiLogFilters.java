package dev.ordo.acquiring.web;

import dev.ordo.apilog.ApiCallKind;
import dev.ordo.apilog.ApiLog;
import dev.ordo.security.ChannelEndpoints;
import jakarta.servlet.Filter;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Every call of the reseller API and every supplier callback goes to the API log (SPEC K7), refused
 * ones included: the filters run before the security filters (order -100).
 */
@Configuration(proxyBeanMethods = false)
class ApiLogFilters {

    private static final int BEFORE_SECURITY = -200;
    static final String SUPPLIER_CALLBACKS = "/supplier/notify/";

    @Bean
    FilterRegistrationBean<Filter> channelRequestLog(ApiLog apiLog) {
        var registration = new FilterRegistrationBean<>(
                apiLog.inbound(ApiCallKind.CHANNEL_REQUEST, request -> request.getParameter("channel_no")));
        registration.addUrlPatterns(ChannelEndpoints.PATHS);
        registration.setOrder(BEFORE_SECURITY);
        return registration;
    }

    @Bean
    FilterRegistrationBean<Filter> supplierCallbackLog(ApiLog apiLog) {
        var registration = new FilterRegistrationBean<>(apiLog.inbound(
                ApiCallKind.SUPPLIER_CALLBACK,
                request -> request.getRequestURI()
                        .substring(request.getRequestURI().lastIndexOf('/') + 1)));
        registration.addUrlPatterns(SUPPLIER_CALLBACKS + "*");
        registration.setOrder(BEFORE_SECURITY);
        return registration;
    }
}
