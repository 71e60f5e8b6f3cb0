package dev.ordo.supplier.mock;

import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The mock supplier inside Ordo ({@code ordo.mock-supplier.enabled}, on by default, off under
 * {@code prod}): {@code /mock/supplier/submit}, {@code /submit-batch}, {@code /query}, {@code /return}, {@code /stats}.
 */
@RestController
@RequestMapping("/mock/supplier")
@ConditionalOnProperty(name = "ordo.mock-supplier.enabled", havingValue = "true", matchIfMissing = true)
class MockSupplierController {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = "ordo.mock-supplier.enabled", havingValue = "true", matchIfMissing = true)
    static class MockSupplierConfiguration {
        @Bean
        MockSupplier mockSupplier(
                @Value("${ordo.mock-supplier.secret:mock-supplier-secret-0001}") String secret,
                @Value("${ordo.mock-supplier.latency:0ms}") Duration latency,
                @Value("${ordo.mock-supplier.no-answer-delay:5s}") Duration noAnswerDelay,
                @Value("${ordo.mock-supplier.callback-delay:0ms}") Duration callbackDelay,
                @Value("${ordo.mock-supplier.remembered:" + MockSupplier.REMEMBERED + "}") int remembered) {
            return new MockSupplier(secret, latency, noAnswerDelay, callbackDelay, remembered);
        }
    }

    private final MockSupplier supplier;

    MockSupplierController(MockSupplier supplier) {
        this.supplier = supplier;
    }

    private static Map<String, String> params(HttpServletRequest request) {
        Map<String, String> params = new LinkedHashMap<>();
        request.getParameterMap().forEach((name, values) -> params.put(name, values[0]));
        return params;
    }

    @PostMapping("/submit")
    Map<String, Object> submit(HttpServletRequest request) {
        return supplier.submit(params(request));
    }

    @PostMapping("/submit-batch")
    Map<String, Object> submitBatch(HttpServletRequest request) {
        return supplier.submitBatch(params(request));
    }

    @PostMapping("/query")
    Map<String, Object> query(HttpServletRequest request) {
        return supplier.query(params(request));
    }

    @PostMapping("/return")
    Map<String, Object> returnDelivery(HttpServletRequest request) {
        return supplier.returnDelivery(params(request));
    }

    @GetMapping("/stats")
    Map<String, Object> stats() {
        return supplier.stats();
    }

    @PostMapping("/reset")
    Map<String, Object> reset() {
        supplier.reset();
        return supplier.stats();
    }
}
