package dev.ordo.jobs.web;

import dev.ordo.jobs.DeadJob;
import dev.ordo.jobs.Jobs;
import dev.ordo.jobs.JobsAdmin;
import dev.ordo.jobs.QueueStats;
import dev.ordo.shared.ErrorCode;
import dev.ordo.shared.OrdoException;
import dev.ordo.shared.Params;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Queues, timers and dead jobs for operators (admin token). */
@RestController
@RequestMapping("/admin/jobs")
class JobsAdminController {

    private final JobsAdmin admin;
    private final Jobs jobs;

    JobsAdminController(JobsAdmin admin, Jobs jobs) {
        this.admin = admin;
        this.jobs = jobs;
    }

    record Overview(List<QueueStats> queues, List<String> recurring) {}

    @GetMapping
    Overview overview() {
        return new Overview(admin.queues(), admin.recurring());
    }

    @GetMapping("/dead")
    List<DeadJob> dead(@RequestParam(required = false) String queue, @RequestParam(defaultValue = "50") int limit) {
        if (limit < 1 || limit > 500) {
            throw OrdoException.badParameter("limit must be between 1 and 500");
        }
        return admin.deadJobs(Params.optionalText("queue", queue), limit);
    }

    @PostMapping("/dead/{id}/retry")
    DeadJob retry(@PathVariable long id) {
        return admin.retryDead(id).orElseThrow(() -> OrdoException.notFound("no dead job " + id));
    }

    @PostMapping("/recurring/{name}/run")
    ResponseEntity<Void> runNow(@PathVariable String name) {
        if (!admin.recurring().contains(name)) {
            throw OrdoException.notFound("no recurring job " + name);
        }
        if (!jobs.runRecurringNow(name)) {
            throw new OrdoException(ErrorCode.CONFLICT, name + " is running right now");
        }
        return ResponseEntity.status(HttpStatus.ACCEPTED).build();
    }
}
