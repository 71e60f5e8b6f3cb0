package dev.ordo.audit.web;

import dev.ordo.audit.AuditEntry;
import dev.ordo.audit.AuditTrail;
import dev.ordo.shared.OrdoException;
import dev.ordo.shared.Params;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The admin audit trail, searchable by operators (admin token). */
@RestController
@Tag(name = "Audit")
@RequestMapping("/admin/audit")
class AuditController {

    private final AuditTrail trail;

    AuditController(AuditTrail trail) {
        this.trail = trail;
    }

    @Operation(summary = "Admin changes, newest first")
    @GetMapping
    List<AuditEntry> search(
            @Parameter(description = "only paths starting with this, e.g. /admin/catalog")
                    @RequestParam(required = false)
                    String path,
            @Parameter(description = "from this instant on (ISO-8601, e.g. 2026-11-29T00:00:00Z)")
                    @RequestParam(required = false)
                    String from,
            @Parameter(description = "before this instant (ISO-8601)") @RequestParam(required = false) String to,
            @RequestParam(defaultValue = "100") int limit) {
        if (limit < 1 || limit > 1_000) {
            throw OrdoException.badParameter("limit must be between 1 and 1000");
        }
        if (path != null && (path.length() > 500 || !path.startsWith("/"))) {
            throw OrdoException.badParameter("path must start with / and be at most 500 characters");
        }
        return trail.search(
                Params.optionalText("path", path), Params.isoInstant("from", from), Params.isoInstant("to", to), limit);
    }
}
