/**
 * The demo data of SPEC A7: a product line, the channels {@code test} (legacy-unsigned, for the
 * seed's example URL) and {@code ycdown} (signed), their shelves and products, the supplier
 * {@code ycup} (the bundled mock supplier) and the wallet accounts. Loaded on the first start of the
 * embedded default, and on demand by {@code ./ordo demo-data} ({@code POST /admin/demo-data}).
 */
@org.springframework.modulith.ApplicationModule(displayName = "Demo data")
package dev.ordo.demo;
