package dev.vnet.it;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * No two packages of vnet depend on each other, across all modules: a package can be read, tested and moved with
 * what it depends on, never with what depends on it. Reads the compiled classes of every module the parent pom
 * lists (this module's build order puts them all before it).
 */
class PackageCyclesTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");

    @Test
    void noPackageDependsOnAPackageThatDependsOnIt() throws IOException {
        List<Path> compiled = compiledModules();
        JavaClasses classes = new ClassFileImporter().importPaths(compiled);
        assertThat(classes).as("classes read from %s", compiled).isNotEmpty();

        slices().matching("dev.vnet.(**)").should().beFreeOfCycles().check(classes);
    }

    /** Every module with main code; fails when one of them is not compiled, so that no module is skipped unseen. */
    private static List<Path> compiledModules() throws IOException {
        List<Path> compiled = new ArrayList<>();
        Matcher modules = MODULE.matcher(Files.readString(ROOT.resolve("pom.xml")));
        while (modules.find()) {
            Path module = ROOT.resolve(modules.group(1));
            if (!Files.isDirectory(module.resolve("src/main"))) {
                continue;
            }
            Path classes = module.resolve("target/classes");
            assertThat(classes).as("compiled classes of module %s: build it first", module.getFileName())
                    .isDirectory();
            compiled.add(classes);
        }
        return compiled;
    }
}
