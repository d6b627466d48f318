package dev.meridian.buildrules;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The compiled main classes of every module in the repository (each {@code <module>/target/classes}
 * of a directory with {@code src/main/java}), so a new module is covered by the rules without being
 * listed anywhere. Imported once for all rule tests.
 */
final class RepositoryClasses {

  private static List<Path> moduleClassDirs;
  private static JavaClasses mainClasses;

  private RepositoryClasses() {}

  static synchronized JavaClasses main() {
    if (mainClasses == null) {
      mainClasses = new ClassFileImporter().importPaths(moduleClassDirs());
    }
    return mainClasses;
  }

  static synchronized List<Path> moduleClassDirs() {
    if (moduleClassDirs == null) {
      Path repository = Path.of("").toAbsolutePath().getParent();
      try (Stream<Path> modules = Files.list(repository)) {
        List<Path> moduleDirs =
            modules.filter(dir -> Files.isDirectory(dir.resolve("src/main/java"))).sorted().toList();
        for (Path module : moduleDirs) {
          assertThat(module.resolve("target/classes"))
              .as("module %s must be compiled before build-rules: add it to build-rules' "
                  + "dependencies (directly or through server)", module.getFileName())
              .isDirectory();
        }
        moduleClassDirs = moduleDirs.stream().map(dir -> dir.resolve("target/classes")).toList();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return moduleClassDirs;
  }
}
