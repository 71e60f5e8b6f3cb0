package dev.ordo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

/**
 * The module boundaries of STYLE.md: no cycles between modules, and no module reaching into another
 * one's internals (anything below a module's root package). Writes the module documentation to
 * {@code docs/modules}.
 */
class ModularityTests {

    private final ApplicationModules modules = ApplicationModules.of(OrdoApplication.class);

    @Test
    void modules_have_no_cycles_and_use_only_each_others_public_api() {
        modules.verify();
    }

    @Test
    void module_documentation_is_written_to_docs_in_a_stable_order() throws IOException {
        Path folder = Path.of("docs/modules");
        new Documenter(modules, Documenter.Options.defaults().withOutputFolder(folder.toString()))
                .writeModulesAsPlantUml()
                .writeIndividualModulesAsPlantUml()
                .writeModuleCanvases()
                .writeAggregatingDocument();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".puml")).toList()) {
                Files.write(file, inStableOrder(Files.readAllLines(file)));
            }
        }
        String overview = Files.readString(folder.resolve("components.puml"));
        modules.forEach(module -> assertThat(overview).contains(module.getDisplayName()));
    }

    /** The documenter lists modules and relations in no fixed order; sorted, the files change only when the modules do. */
    private static List<String> inStableOrder(List<String> lines) {
        List<String> out = new ArrayList<>(lines.size());
        List<String> block = new ArrayList<>();
        for (String line : lines) {
            String start = line.stripLeading();
            if (start.startsWith("Rel(") || start.startsWith("Component(")) {
                block.add(line);
                continue;
            }
            block.sort(null);
            out.addAll(block);
            block.clear();
            out.add(line);
        }
        block.sort(null);
        out.addAll(block);
        return out;
    }
}
