package dev.switchboard.build;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The packages under dev.switchboard form a graph without cycles, so each can be read from the
 * bottom up; and the request stages meet only in the shared model: none imports another.
 */
class PackageCyclesTest {

  /** The packages of the request stages and of the data they keep. */
  private static final List<String> STAGES = List.of("auth", "keys", "ratelimit", "routing", "relay", "spend");

  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.switchboard");

  @Test
  void packagesAreFreeOfCycles() {
    slices().matching("dev.switchboard.(*)..").should().beFreeOfCycles().check(MAIN);
  }

  @Test
  void stagesImportTheModelAndNothingOfEachOther() {
    for (String stage : STAGES) {
      String[] others = STAGES.stream().filter(other -> !other.equals(stage))
          .map(other -> "dev.switchboard." + other + "..").toArray(String[]::new);
      noClasses().that().resideInAPackage("dev.switchboard." + stage + "..")
          .should().dependOnClassesThat().resideInAnyPackage(others)
          .because("stages share the request model (dev.switchboard.model), not each other's classes")
          .check(MAIN);
    }
  }
}
