package dev.switchboard.build;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The packages under dev.switchboard form a graph without cycles, so each can be read from the bottom up. */
class PackageCyclesTest {

  @Test
  void packagesAreFreeOfCycles() {
    JavaClasses main = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.switchboard");
    slices().matching("dev.switchboard.(*)..").should().beFreeOfCycles().check(main);
  }
}
