package dev.ordo.supplier;

import dev.ordo.shared.Signatures;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/** The supplier adapters by protocol, and the check of a supplier's signed callback. */
@Component
public class Suppliers {

    private final Map<String, SupplierAdapter> byProtocol;

    Suppliers(List<SupplierAdapter> adapters) {
        this.byProtocol = adapters.stream().collect(Collectors.toUnmodifiableMap(SupplierAdapter::protocol, a -> a));
    }

    /** The protocols an upstream channel may name: one per adapter. */
    public Set<String> protocols() {
        return byProtocol.keySet();
    }

    public SupplierAdapter adapter(String protocol) {
        SupplierAdapter adapter = byProtocol.get(protocol);
        if (adapter == null) {
            throw new IllegalStateException(
                    "no supplier adapter for protocol " + protocol + " (known: " + byProtocol.keySet() + ")");
        }
        return adapter;
    }

    /** A callback's parameters are signed with the supplier's secret, like every request of the protocol. */
    public static boolean verified(SupplierEndpoint supplier, Map<String, String> parameters) {
        return Signatures.verify(supplier.secret(), parameters, parameters.get(Signatures.SIGN));
    }
}
