package dev.braid.operator;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator's package graph: the process ({@code dev.braid.operator}: main, settings, health,
 * leadership) wires the reconcilers; nothing below reaches back up into it, and the packages below
 * form no cycle.
 */
class ArchitectureTest {
  private static JavaClasses operator;

  @BeforeAll
  static void importOperator() {
    operator =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.braid.operator");
  }

  @Test
  void nothingBelowReachesUpIntoTheProcess() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.braid.operator.*..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.braid.operator")
        .check(operator);
  }

  @Test
  void packagesFormNoCycles() {
    slices().matching("dev.braid.operator.(**)").should().beFreeOfCycles().check(operator);
  }
}
