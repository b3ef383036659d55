package dev.braid.agent;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agent's package graph, as a rule rather than a convention. From the ground up: {@code
 * nativeio} (FFM, nothing of ours below it); the pure-Java packages {@code openvpn.*}, {@code
 * transport.tcp} and the coming {@code multipath} and {@code openvpn.client}, free of I/O; {@code
 * engine}, the event loops, free of protocol; {@code gateway}, protocol glue without I/O of its
 * own; {@code control}; {@code runtime} on top. No cycles between packages.
 */
class ArchitectureTest {
  private static final String AGENT = "dev.braid.agent";
  private static final String NATIVEIO = AGENT + ".nativeio..";
  private static final String ENGINE = AGENT + ".engine..";
  private static final String TRANSPORT = AGENT + ".transport..";
  private static final String OPENVPN = AGENT + ".openvpn..";
  private static final String MULTIPATH = AGENT + ".multipath..";
  private static final String OPENVPN_CLIENT = AGENT + ".openvpn.client..";
  private static final String GATEWAY = AGENT + ".gateway..";
  private static final String CONTROL = AGENT + ".control..";
  private static final String RUNTIME = AGENT + ".runtime..";

  /** What a sans-I/O package must not touch: sockets, channels, files, FFM, processes. */
  private static final String[] IO = {
    "java.lang.foreign..", "java.nio.channels..", "java.nio.file..", "java.net.Socket",
    "java.net.ServerSocket", "java.net.DatagramSocket", "java.net.http..", "java.io.File",
    "java.io.FileInputStream", "java.io.FileOutputStream", "java.lang.ProcessBuilder"
  };

  private static JavaClasses agent;

  @BeforeAll
  static void importAgent() {
    agent =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(AGENT);
  }

  private static void check(ArchRule rule) {
    rule.check(agent);
  }

  @Test
  void theScanSeesEveryLayer() {
    for (String layer : new String[] {NATIVEIO, ENGINE, TRANSPORT, OPENVPN, GATEWAY, CONTROL}) {
      check(classes().that().resideInAPackage(layer).should().resideInAPackage(layer));
    }
  }

  @Test
  void nativeIoIsTheGroundFloor() {
    check(
        noClasses()
            .that()
            .resideInAPackage(NATIVEIO)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                ENGINE,
                TRANSPORT,
                OPENVPN,
                MULTIPATH,
                GATEWAY,
                CONTROL,
                RUNTIME,
                "dev.braid.api.."));
  }

  @Test
  void onlyNativeIoUsesTheForeignFunctionApi() {
    check(
        noClasses()
            .that()
            .resideOutsideOfPackage(NATIVEIO)
            .should()
            .dependOnClassesThat()
            .resideInAPackage("java.lang.foreign.."));
  }

  @Test
  void theProtocolIsFreeOfIo() {
    check(
        noClasses()
            .that()
            .resideInAnyPackage(OPENVPN, MULTIPATH, OPENVPN_CLIENT)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(NATIVEIO, ENGINE, TRANSPORT, GATEWAY, CONTROL, RUNTIME)
            .orShould()
            .dependOnClassesThat()
            .resideInAnyPackage(IO)
            .orShould()
            .dependOnClassesThat()
            .resideInAnyPackage("io.fabric8..", "dev.braid.api..")
            .allowEmptyShould(true));
  }

  @Test
  void multipathIsPureScheduling() {
    check(
        noClasses()
            .that()
            .resideInAPackage(MULTIPATH)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(OPENVPN, "org.slf4j..")
            .allowEmptyShould(true));
  }

  @Test
  void theTcpTransportIsPlainJava() {
    check(
        noClasses()
            .that()
            .resideInAPackage(TRANSPORT)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(NATIVEIO, ENGINE, OPENVPN, GATEWAY, CONTROL, RUNTIME)
            .orShould()
            .dependOnClassesThat()
            .resideInAnyPackage(IO));
  }

  @Test
  void theEngineIsFreeOfProtocol() {
    check(
        noClasses()
            .that()
            .resideInAPackage(ENGINE)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(OPENVPN, MULTIPATH, GATEWAY, CONTROL, RUNTIME, "dev.braid.api.."));
  }

  @Test
  void theGatewayIsGlueWithoutIoOfItsOwn() {
    check(
        noClasses()
            .that()
            .resideInAPackage(GATEWAY)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(NATIVEIO, TRANSPORT, CONTROL, RUNTIME, "java.lang.foreign.."));
  }

  @Test
  void theControlSideNeverReachesUpIntoRuntime() {
    check(
        noClasses()
            .that()
            .resideInAPackage(CONTROL)
            .should()
            .dependOnClassesThat()
            .resideInAPackage(RUNTIME));
  }

  @Test
  void runtimeIsTheTopFloor() {
    check(
        noClasses()
            .that()
            .resideOutsideOfPackage(RUNTIME)
            .should()
            .dependOnClassesThat()
            .resideInAPackage(RUNTIME));
  }

  @Test
  void packagesFormNoCycles() {
    check(slices().matching(AGENT + ".(**)").should().beFreeOfCycles());
  }
}
