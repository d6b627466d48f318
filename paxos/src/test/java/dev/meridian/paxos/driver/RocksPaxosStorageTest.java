package dev.meridian.paxos.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.paxos.codec.PaxosCodecs;
import dev.meridian.paxos.types.GroupId;
import dev.meridian.paxos.types.Slot;
import dev.meridian.paxos.types.Snapshot;
import dev.meridian.runtime.real.NamedThreadFactory;
import dev.meridian.storage.Key;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.mvcc.StorageException;
import dev.meridian.storage.mvcc.Write;
import dev.meridian.storage.rocks.GatedThreadFactory;
import dev.meridian.storage.rocks.RawBatch;
import dev.meridian.storage.rocks.RawFamily;
import dev.meridian.storage.rocks.RocksMvccEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The RocksDB storage against the contract (every check also after a reopen), plus its layout. */
class RocksPaxosStorageTest extends AbstractPaxosStorageContractTest {

  /** Small memtables: tests open many databases. Synced, as in production. */
  static final RocksMvccEngine.Options OPTIONS =
      RocksMvccEngine.Options.defaults().withWriteBufferSizeBytes(1L << 20);

  @TempDir Path tempDir;

  private final Map<PaxosStorage, RocksMvccEngine> engines = new IdentityHashMap<>();

  @Override
  protected PaxosStorage newStorage() {
    try {
      return open(Files.createTempDirectory(tempDir, "paxos-"), new NamedThreadFactory("paxos-sync"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private PaxosStorage open(Path directory, ThreadFactory syncThreads) {
    RocksMvccEngine engine = RocksMvccEngine.open(directory, OPTIONS, syncThreads);
    PaxosStorage storage = new RocksPaxosStorage(engine);
    engines.put(storage, engine);
    return storage;
  }

  @Override
  protected PaxosStorage reopen(PaxosStorage storage) {
    RocksMvccEngine engine = engines.remove(storage);
    engine.close();
    return open(engine.directory(), new NamedThreadFactory("paxos-sync"));
  }

  @AfterEach
  void closeEngines() {
    engines.values().forEach(RocksMvccEngine::close);
    engines.clear();
  }

  @Test
  void persistsOfManyGroupsShareSyncedWritesWithEachOtherAndMvcc() {
    GatedThreadFactory gate = new GatedThreadFactory();
    PaxosStorage storage = open(tempDir, gate);
    RocksMvccEngine engine = engines.get(storage);
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    for (long g = 1; g <= 8; g++) {
      for (long round = 1; round <= 4; round++) {
        futures.add(storage.persist(new GroupId(g),
            persistOnly(null, null, List.of(command(round, round, "g" + g)), hard(round, 0, round - 1))));
      }
    }
    futures.add(engine.commit(List.of(Write.put(Key.utf8("row"), new byte[] {1})), new Timestamp(9)));
    assertThat(futures).noneMatch(CompletableFuture::isDone);

    gate.open();
    futures.forEach(CompletableFuture::join);

    assertThat(engine.operationsWritten()).isEqualTo(33);
    assertThat(engine.groupWrites()).isEqualTo(1);
    for (long g = 1; g <= 8; g++) {
      assertThat(storage.load(new GroupId(g)).orElseThrow().hardState()).isEqualTo(hard(4, 0, 3));
    }
  }

  @Test
  void persistsIssuedConcurrentlyFromSeveralThreadsLandInFewerSyncedWrites() throws Exception {
    PaxosStorage storage = newStorage();
    RocksMvccEngine engine = engines.get(storage);
    int groups = 8;
    int roundsPerGroup = 40;
    List<Thread> threads = new ArrayList<>();
    for (int g = 0; g < groups; g++) {
      GroupId group = new GroupId(g);
      threads.add(Thread.ofPlatform().start(() -> {
        for (long round = 1; round <= roundsPerGroup; round++) {
          // Like a driver: the next persist of a group only after the previous is durable.
          persist(storage, group, persistOnly(null, null, List.of(command(round, round, "v")), hard(round, 0, 0)));
        }
      }));
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(engine.operationsWritten()).isEqualTo((long) groups * roundsPerGroup);
    assertThat(engine.groupWrites()).isLessThan(engine.operationsWritten());
    assertThat(engine.largestGroup()).isGreaterThan(1);
  }

  @Test
  void keysAndValuesFollowTheDocumentedLayout() {
    PaxosStorage storage = newStorage();
    RocksMvccEngine engine = engines.get(storage);
    GroupId group = new GroupId(0x0102);
    Snapshot snapshot = new Snapshot(Slot.of(2), VOTERS, new byte[] {9});
    persist(storage, group, persistOnly(snapshot, Slot.of(2), List.of(command(3, 1, "c")), hard(1, 5, 2)));

    HexFormat hex = HexFormat.of();
    byte[] hardKey = hex.parseHex("0000000000000102" + "01");
    byte[] snapshotKey = hex.parseHex("0000000000000102" + "02");
    byte[] logKey = hex.parseHex("0000000000000102" + "0000000000000003");
    assertThat(PaxosCodecs.HARD_STATE.decode(engine.getRaw(RawFamily.PAXOS_STATE, hardKey).orElseThrow()))
        .isEqualTo(hard(1, 5, 2));
    assertThat(PaxosCodecs.SNAPSHOT.decode(engine.getRaw(RawFamily.PAXOS_STATE, snapshotKey).orElseThrow()).lastSlot())
        .isEqualTo(Slot.of(2));
    assertThat(PaxosCodecs.ENTRY.decode(engine.getRaw(RawFamily.PAXOS_LOG, logKey).orElseThrow()))
        .isEqualTo(command(3, 1, "c"));
  }

  @Test
  void compactionRangeDeletesThroughTheSlotAndNoFurther() {
    PaxosStorage storage = newStorage();
    RocksMvccEngine engine = engines.get(storage);
    persist(storage, G, persistOnly(null, null,
        LongStream.rangeClosed(1, 6).mapToObj(s -> command(s, 1, "x")).toList(), hard(1, 0, 6)));
    persist(storage, G, persistOnly(new Snapshot(Slot.of(4), VOTERS, new byte[0]), Slot.of(4), List.of(), null));
    // Below the snapshot nothing is left on disk, not just filtered on load.
    assertThat(engine.scanRawPrefix(RawFamily.PAXOS_LOG, RocksPaxosStorage.groupPrefix(G)))
        .extracting(e -> PaxosCodecs.ENTRY.decode(e.value()).slot().value())
        .containsExactly(5L, 6L);
  }

  @Test
  void aCorruptValueFailsLoadNamingTheGroup() {
    PaxosStorage storage = newStorage();
    RocksMvccEngine engine = engines.get(storage);
    persist(storage, G, persistOnly(null, null, List.of(command(1, 1, "x")), hard(1, 0, 0)));
    engine.writeRaw(new RawBatch().put(RawFamily.PAXOS_LOG, RocksPaxosStorage.logKey(G, 1), new byte[] {1, 1})).join();
    assertThatThrownBy(() -> storage.load(G))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("group g42")
        .hasMessageContaining("log entry 1 does not decode")
        .hasMessageContaining("truncated");
  }

  @Test
  void anEntryUnderTheWrongSlotIsCorruption() {
    PaxosStorage storage = newStorage();
    RocksMvccEngine engine = engines.get(storage);
    engine.writeRaw(new RawBatch().put(RawFamily.PAXOS_LOG, RocksPaxosStorage.logKey(G, 2),
        PaxosCodecs.ENTRY.encode(command(1, 1, "x")))).join();
    assertThatThrownBy(() -> storage.load(G))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("under slot 2 is for slot 1");
  }
}
