package dev.braid.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Only dev.braid.agent.nativeio may use java.lang.foreign; everything else stays pure Java. */
class ForeignImportBoundaryTest {
  private static final Pattern FOREIGN_IMPORT =
      Pattern.compile("(?m)^import\\s+(static\\s+)?java\\.lang\\.foreign\\.");

  @Test
  void onlyTheNativeIoPackageImportsJavaLangForeign() throws IOException {
    List<Path> users;
    try (Stream<Path> files = Files.walk(Path.of("src"))) {
      users =
          files
              .filter(p -> p.toString().endsWith(".java"))
              .filter(ForeignImportBoundaryTest::usesForeign)
              .toList();
    }
    assertThat(users).as("the scan sees the native I/O package").isNotEmpty();
    assertThat(users)
        .filteredOn(p -> !p.toString().contains("/dev/braid/agent/nativeio/"))
        .isEmpty();
  }

  private static boolean usesForeign(Path file) {
    try {
      return FOREIGN_IMPORT.matcher(Files.readString(file)).find();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
