package dev.ordo.wallet.web;

import dev.ordo.jobs.Jobs;
import dev.ordo.shared.ErrorCode;
import dev.ordo.shared.OrdoException;
import dev.ordo.wallet.LedgerCheck;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The ledger check's latest report, and a way to run it now (admin token). */
@RestController
@Tag(name = "Wallet admin")
@RequestMapping("/admin/wallet/ledger-check")
class LedgerCheckController {

    private final LedgerCheck ledgerCheck;
    private final Jobs jobs;

    LedgerCheckController(LedgerCheck ledgerCheck, Jobs jobs) {
        this.ledgerCheck = ledgerCheck;
        this.jobs = jobs;
    }

    @Operation(summary = "The latest finished ledger check with every break it found")
    @GetMapping
    LedgerCheck.Report latest() {
        return ledgerCheck.latest().orElseThrow(() -> OrdoException.notFound("no ledger check has finished yet"));
    }

    @Operation(summary = "Run the ledger check now, as the recurring job (answers 202; read the result with GET)")
    @PostMapping
    ResponseEntity<Void> runNow() {
        if (!jobs.runRecurringNow("wallet:ledger-check")) {
            throw new OrdoException(ErrorCode.CONFLICT, "the ledger check is running right now");
        }
        return ResponseEntity.status(HttpStatus.ACCEPTED).build();
    }
}
