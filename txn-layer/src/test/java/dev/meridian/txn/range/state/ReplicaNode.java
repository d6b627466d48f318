package dev.meridian.txn.range.state;

import dev.meridian.runtime.real.NamedThreadFactory;
import dev.meridian.storage.range.InMemoryRangeStore;
import dev.meridian.storage.range.RangeStore;
import dev.meridian.storage.rocks.RocksMvccEngine;
import dev.meridian.storage.rocks.RocksRangeStore;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * A test node: one range store (in memory, or over a real RocksDB in a temporary directory) and the
 * state machines of the ranges it hosts. {@link #restart} reopens the store on what it kept and reads
 * every state machine back from it.
 */
final class ReplicaNode implements AutoCloseable {

  private static final RocksMvccEngine.Options OPTIONS =
      RocksMvccEngine.Options.defaults().withWriteBufferSizeBytes(4L << 20);

  final String kind;
  private final Path directory;
  private RocksMvccEngine engine;
  private RangeStore store;
  final Map<RangeId, RangeStateMachine> ranges = new TreeMap<>();

  private ReplicaNode(String kind, Path directory) {
    this.kind = kind;
    this.directory = directory;
    openStore();
  }

  static ReplicaNode inMemory() {
    return new ReplicaNode("mem", null);
  }

  static ReplicaNode rocks() {
    try {
      return new ReplicaNode("rocks", Files.createTempDirectory("range-sm-"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ReplicaNode of(String kind) {
    return switch (kind) {
      case "mem" -> inMemory();
      case "rocks" -> rocks();
      default -> throw new IllegalArgumentException("store kind is mem or rocks, not " + kind);
    };
  }

  private void openStore() {
    if (directory == null) {
      store = new InMemoryRangeStore();
    } else {
      engine = RocksMvccEngine.open(directory, OPTIONS, new NamedThreadFactory("range-sm-sync"));
      store = new RocksRangeStore(engine);
    }
  }

  RangeStore store() {
    return store;
  }

  RangeStateMachine bootstrap(RangeDescriptor descriptor) {
    RangeStateMachine machine = RangeStateMachine.bootstrap(store, descriptor);
    ranges.put(descriptor.id(), machine);
    return machine;
  }

  RangeStateMachine range(RangeId id) {
    RangeStateMachine machine = ranges.get(id);
    if (machine == null) {
      throw new IllegalArgumentException("range " + id + " is not hosted on this " + kind + " node");
    }
    return machine;
  }

  /** After a split applied: host the right-hand range too. */
  void host(RangeId id) {
    ranges.put(id, RangeStateMachine.open(store, id));
  }

  void replace(RangeStateMachine machine) {
    ranges.put(machine.id(), machine);
  }

  /** Closes and reopens the store (for RocksDB, the database), and reads every range back. */
  void restart() {
    if (engine != null) {
      store.close();
      engine.close();
      openStore();
    }
    for (RangeId id : ranges.keySet()) {
      ranges.put(id, RangeStateMachine.open(store, id));
    }
  }

  @Override
  public void close() {
    store.close();
    if (engine != null) {
      engine.close();
      deleteRecursively(directory);
    }
  }

  private static void deleteRecursively(Path path) {
    try (var walk = Files.walk(path)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
