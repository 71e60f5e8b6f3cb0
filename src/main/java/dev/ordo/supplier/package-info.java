/**
 * Delivery through upstream suppliers (SPEC A4): the {@link dev.ordo.supplier.SupplierAdapter} SPI —
 * a new supplier protocol is one class — the reference HTTP protocol ({@code docs/supplier-protocol.md}),
 * and the bundled mock supplier of SPEC A5 for tests and demos.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Suppliers")
package dev.ordo.supplier;
