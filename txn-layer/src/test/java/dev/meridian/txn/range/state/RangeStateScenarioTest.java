package dev.meridian.txn.range.state;

import dev.meridian.runtime.testing.DataDrivenScript;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The range state machine's datadriven scripts, each run once with its main node in memory and once
 * over RocksDB: the expected output is the same, which is itself part of the contract (the two stores
 * hold the same state). Rewrite with {@code -Dmeridian.rewrite=true}.
 */
class RangeStateScenarioTest {

  private static final Path SCRIPTS = Path.of("src/test/resources/range-state");
  private final List<RangeStateScript> open = new ArrayList<>();

  @TestFactory
  Stream<DynamicTest> inMemory() throws IOException {
    return scripts("mem");
  }

  @TestFactory
  Stream<DynamicTest> overRocksDb() throws IOException {
    return scripts("rocks");
  }

  private Stream<DynamicTest> scripts(String kind) throws IOException {
    try (Stream<Path> list = Files.list(SCRIPTS)) {
      if (list.noneMatch(p -> p.toString().endsWith(".txt"))) {
        throw new AssertionError("no scripts in " + SCRIPTS.toAbsolutePath());
      }
    }
    return DataDrivenScript.testsIn(SCRIPTS, () -> {
      RangeStateScript script = new RangeStateScript(kind);
      open.add(script);
      return script;
    });
  }

  @AfterEach
  void closeNodes() {
    open.forEach(RangeStateScript::close);
  }
}
