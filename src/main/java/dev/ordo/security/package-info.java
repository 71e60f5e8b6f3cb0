/**
 * Who may call what (SPEC K6, admin part): internal and admin endpoints, the wallet included, need
 * {@code Authorization: Bearer <admin token>}; health and the API documentation are public.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Security")
package dev.ordo.security;
