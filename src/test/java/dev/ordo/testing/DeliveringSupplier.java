package dev.ordo.testing;

import dev.ordo.supplier.Delivery;
import dev.ordo.supplier.SupplierAdapter;
import dev.ordo.supplier.SupplierAnswer;
import dev.ordo.supplier.SupplierEndpoint;
import java.time.Instant;
import java.util.List;

/** A test supplier that delivers every submission at once and says so when asked: its returns are its own. */
abstract class DeliveringSupplier implements SupplierAdapter {

    @Override
    public List<SupplierAnswer> submitAll(SupplierEndpoint supplier, List<Delivery> deliveries, Instant startBy) {
        return deliveries.stream()
                .map(d -> SupplierAnswer.answered("R0000", "delivered", null))
                .toList();
    }

    @Override
    public SupplierAnswer query(SupplierEndpoint supplier, String orderNo) {
        return SupplierAnswer.answered("R0000", "delivered", null);
    }
}
