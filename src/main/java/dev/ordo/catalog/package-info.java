/**
 * What can be sold and who delivers it (SPEC A1, seed 000): product lines, downstream channels with
 * their shelves and products, upstream channels (suppliers) with their delivery settings, shelves,
 * products and answer codes. Read through {@link dev.ordo.catalog.Catalog} (cached), changed through
 * {@link dev.ordo.catalog.CatalogAdmin} (admin API, validated).
 */
@org.springframework.modulith.ApplicationModule(displayName = "Catalog")
package dev.ordo.catalog;
