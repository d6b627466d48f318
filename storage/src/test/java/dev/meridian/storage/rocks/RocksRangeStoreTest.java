package dev.meridian.storage.rocks;

import dev.meridian.runtime.real.NamedThreadFactory;
import dev.meridian.storage.range.AbstractRangeStoreContractTest;
import dev.meridian.storage.range.RangeStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** The RocksDB store against the contract; a restart closes and reopens the node's database. */
class RocksRangeStoreTest extends AbstractRangeStoreContractTest {

  private final Map<RangeStore, RocksMvccEngine> engines = new IdentityHashMap<>();

  @TempDir Path tempDir;

  @Override
  protected RangeStore newStore() {
    try {
      return open(Files.createTempDirectory(tempDir, "node-"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private RangeStore open(Path directory) {
    RocksMvccEngine engine =
        RocksMvccEngine.open(directory, RocksMvccEngineTest.TEST_OPTIONS, new NamedThreadFactory("rocks-sync"));
    RangeStore store = new RocksRangeStore(engine);
    engines.put(store, engine);
    return store;
  }

  @Override
  protected RangeStore restart(RangeStore store) {
    RocksMvccEngine engine = engines.remove(store);
    Path directory = engine.directory();
    store.close();
    engine.close();
    return open(directory);
  }

  @Override
  protected void discard(RangeStore store) {
    RocksMvccEngine engine = engines.remove(store);
    store.close();
    if (engine != null) {
      engine.close();
    }
  }
}
