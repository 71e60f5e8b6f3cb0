package dev.ordo.demo;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Map;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Demo")
class DemoDataController {

    private final DemoData demoData;

    DemoDataController(DemoData demoData) {
        this.demoData = demoData;
    }

    @Operation(summary = "Load the demo data of SPEC A7 (what exists is kept; refused, 403, under the prod profile)")
    @PostMapping("/admin/demo-data")
    Map<String, String> load() {
        return Map.of("result", demoData.load());
    }
}
