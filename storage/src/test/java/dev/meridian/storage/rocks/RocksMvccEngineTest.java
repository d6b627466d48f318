package dev.meridian.storage.rocks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.runtime.real.NamedThreadFactory;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.storage.mvcc.AbstractDurableMvccEngineContractTest;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.storage.mvcc.MvccEngine;
import dev.meridian.storage.mvcc.StorageBusyException;
import dev.meridian.storage.mvcc.Write;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;

/** The RocksDB engine against the engine contract, plus what only a durable, batching engine does. */
class RocksMvccEngineTest extends AbstractDurableMvccEngineContractTest {

  /** Small memtables: tests open many databases. Synced, as in production. */
  static final RocksMvccEngine.Options TEST_OPTIONS =
      RocksMvccEngine.Options.defaults().withWriteBufferSizeBytes(4L << 20);

  private final Map<MvccEngine, Path> directories = new IdentityHashMap<>();

  @TempDir Path tempDir;

  @Override
  protected MvccEngine newEngine() {
    try {
      // One directory per engine: the model property opens a fresh engine for each of its cases.
      Path directory = Files.createTempDirectory(tempDir, "engine-");
      RocksMvccEngine engine =
          RocksMvccEngine.open(directory, TEST_OPTIONS, new NamedThreadFactory("rocks-sync"));
      synchronized (directories) {
        directories.put(engine, directory);
      }
      return engine;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected MvccEngine reopen(MvccEngine engine) {
    Path directory;
    synchronized (directories) {
      directory = directories.remove(engine);
    }
    engine.close();
    RocksMvccEngine reopened =
        RocksMvccEngine.open(directory, TEST_OPTIONS, new NamedThreadFactory("rocks-sync"));
    synchronized (directories) {
      directories.put(reopened, directory);
    }
    return reopened;
  }

  @Override
  protected void discard(MvccEngine engine) {
    engine.close();
    Path directory;
    synchronized (directories) {
      directory = directories.remove(engine);
    }
    if (directory != null) {
      deleteRecursively(directory);
    }
  }

  // ----------------------------------------------------------------------------- group commit

  private RocksMvccEngine openGated(Path directory, RocksMvccEngine.Options options, GatedThreadFactory gate) {
    return RocksMvccEngine.open(directory, options, gate);
  }

  private static List<CompletableFuture<Void>> commitMany(RocksMvccEngine engine, int count) {
    return IntStream.range(0, count)
        .mapToObj(i -> engine.commit(List.of(put("k" + i, "v" + i)), ts(1)))
        .toList();
  }

  @Test
  void queuedCommitsAreMergedIntoOneSyncedWrite() {
    GatedThreadFactory gate = new GatedThreadFactory();
    try (RocksMvccEngine rocks = openGated(tempDir, TEST_OPTIONS, gate)) {
      List<CompletableFuture<Void>> futures = commitMany(rocks, 100);
      assertThat(rocks.pendingOperations()).isEqualTo(100);
      assertThat(futures).noneMatch(CompletableFuture::isDone);

      gate.open();
      futures.forEach(CompletableFuture::join);

      assertThat(rocks.groupWrites()).isEqualTo(1);
      assertThat(rocks.operationsWritten()).isEqualTo(100);
      assertThat(rocks.meanGroupSize()).isEqualTo(100.0);
      assertThat(rocks.pendingOperations()).isZero();
      assertThat(rocks.scan(KeySpan.all(), ts(1), Direction.FORWARD, 1000)).hasSize(100);
    }
  }

  @Test
  void groupsAreCappedByMaxGroupCommitBatch() {
    GatedThreadFactory gate = new GatedThreadFactory();
    try (RocksMvccEngine rocks = openGated(tempDir, TEST_OPTIONS.withMaxGroupCommitBatch(32), gate)) {
      List<CompletableFuture<Void>> futures = commitMany(rocks, 100);
      gate.open();
      futures.forEach(CompletableFuture::join);
      assertThat(rocks.groupWrites()).isEqualTo(4); // 32 + 32 + 32 + 4
      assertThat(rocks.largestGroup()).isEqualTo(32);
      assertThat(rocks.operationsWritten()).isEqualTo(100);
    }
  }

  @Test
  void maxGroupCommitBatchOfOneWritesEachOperationAlone() {
    GatedThreadFactory gate = new GatedThreadFactory();
    try (RocksMvccEngine rocks = openGated(tempDir, TEST_OPTIONS.withMaxGroupCommitBatch(1), gate)) {
      List<CompletableFuture<Void>> futures = commitMany(rocks, 20);
      gate.open();
      futures.forEach(CompletableFuture::join);
      assertThat(rocks.groupWrites()).isEqualTo(20);
      assertThat(rocks.meanGroupSize()).isEqualTo(1.0);
    }
  }

  @Test
  void concurrentCommittersShareSyncedWrites() throws Exception {
    // Eight threads commit while the sync thread is held: all their commits must land, in fewer
    // synced writes than commits.
    GatedThreadFactory gate = new GatedThreadFactory();
    try (RocksMvccEngine rocks = openGated(tempDir, TEST_OPTIONS, gate)) {
      List<Thread> threads = new ArrayList<>();
      List<CompletableFuture<Void>> futures = java.util.Collections.synchronizedList(new ArrayList<>());
      for (int t = 0; t < 8; t++) {
        int writer = t;
        Thread thread =
            new Thread(
                () -> {
                  for (int i = 0; i < 50; i++) {
                    futures.add(rocks.commit(List.of(put("w" + writer + "-" + i, "v")), ts(1 + i)));
                  }
                });
        thread.start();
        threads.add(thread);
      }
      for (Thread thread : threads) {
        thread.join();
      }
      gate.open();
      futures.forEach(CompletableFuture::join);
      assertThat(rocks.operationsWritten()).isEqualTo(400);
      assertThat(rocks.groupWrites()).isEqualTo(2); // 256 + 144
      assertThat(rocks.scan(KeySpan.all(), Timestamp.MAX, Direction.FORWARD, 1000)).hasSize(400);
    }
  }

  @Test
  void aFullQueueRefusesWritesAtOnceAndWritesNothingOfThem() throws Exception {
    GatedThreadFactory gate = new GatedThreadFactory();
    try (RocksMvccEngine rocks = openGated(tempDir, TEST_OPTIONS.withMaxPendingOperations(4), gate)) {
      List<CompletableFuture<Void>> futures = new ArrayList<>(commitMany(rocks, 4));
      assertThat(rocks.pendingOperations()).isEqualTo(4);
      assertThatThrownBy(() -> rocks.commit(List.of(put("fifth", "v")), ts(1)))
          .isInstanceOf(StorageBusyException.class)
          .hasMessageContaining("4 operations")
          .hasMessageContaining("nothing was written");
      assertThat(rocks.pendingOperations()).isEqualTo(4);

      gate.open();
      futures.forEach(CompletableFuture::join);
      assertThat(rocks.get(key("fifth"), ts(1))).isEmpty();
      // Once the queue drains, writes are accepted again.
      rocks.commit(List.of(put("fifth", "v")), ts(2)).join();
      assertThat(rocks.get(key("fifth"), ts(2))).isPresent();
    }
  }

  @Test
  void closeWaitsForQueuedWritesAndTheySurvive() throws Exception {
    GatedThreadFactory gate = new GatedThreadFactory();
    RocksMvccEngine rocks = openGated(tempDir, TEST_OPTIONS, gate);
    List<CompletableFuture<Void>> futures = commitMany(rocks, 10);
    Thread closer = new Thread(rocks::close);
    closer.start();
    gate.open();
    closer.join();
    assertThat(futures).allSatisfy(f -> assertThat(f).isCompleted());

    try (RocksMvccEngine reopened = open(tempDir)) {
      assertThat(reopened.scan(KeySpan.all(), ts(1), Direction.FORWARD, 100)).hasSize(10);
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS) // a safety net for a deadlock, not a timing check
  void futureCallbacksThatReadDoNotDeadlockClose() throws Exception {
    GatedThreadFactory gate = new GatedThreadFactory();
    RocksMvccEngine rocks = openGated(tempDir, TEST_OPTIONS, gate);
    List<CompletableFuture<Void>> callbacks = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      callbacks.add(
          rocks
              .commit(List.of(put("k" + i, "v")), ts(1))
              .thenRun(
                  () -> {
                    try {
                      rocks.get(key("k0"), ts(1));
                    } catch (IllegalStateException closedMeanwhile) {
                      // fine: the read came after close began
                    }
                  }));
    }
    Thread closer = new Thread(rocks::close);
    closer.start();
    while (closer.getState() == Thread.State.RUNNABLE || closer.getState() == Thread.State.NEW) {
      Thread.onSpinWait(); // let close take its lock before the sync thread starts
    }
    gate.open();
    closer.join();
    callbacks.forEach(CompletableFuture::join);
  }

  @Test
  void closingFromAFutureCallbackIsRefused() {
    // Gated, so the callback is attached before the commit completes and runs on the sync thread.
    GatedThreadFactory gate = new GatedThreadFactory();
    try (RocksMvccEngine rocks = openGated(tempDir, TEST_OPTIONS, gate)) {
      CompletableFuture<Throwable> refusal = new CompletableFuture<>();
      CompletableFuture<Void> callback =
          rocks
              .commit(List.of(put("k", "v")), ts(1))
              .thenRun(
                  () -> {
                    try {
                      rocks.close();
                      refusal.complete(null);
                    } catch (Throwable t) {
                      refusal.complete(t);
                    }
                  });
      gate.open();
      callback.join();
      assertThat(refusal.join()).isInstanceOf(IllegalStateException.class);
    }
  }

  // ------------------------------------------------------------------------------- durability

  @Test
  void theGcHorizonSurvivesAReopen() {
    try (RocksMvccEngine rocks = open(tempDir)) {
      rocks.collectGarbage(ts(100));
    }
    try (RocksMvccEngine rocks = open(tempDir)) {
      assertThat(rocks.gcHorizon()).isEqualTo(ts(100));
      rocks.collectGarbage(ts(50));
      assertThat(rocks.gcHorizon()).isEqualTo(ts(100));
    }
  }

  @Test
  void intentsSurviveAReopenAndResolveAfterIt() {
    TxnId txn = new TxnId(7, 42);
    try (RocksMvccEngine rocks = open(tempDir)) {
      rocks.putIntents(txn, ts(5), List.of(put("a", "A"), Write.delete(key("b")))).join();
    }
    try (RocksMvccEngine rocks = open(tempDir)) {
      assertThat(rocks.intents(KeySpan.all()))
          .extracting(i -> i.key() + " " + i.txnId() + " " + i.prepareTs())
          .containsExactly("\"a\" txn-7-42 ts5", "\"b\" txn-7-42 ts5");
      rocks.resolveIntents(txn, List.of(key("a"), key("b")), Optional.of(ts(9))).join();
    }
    try (RocksMvccEngine rocks = open(tempDir)) {
      assertThat(rocks.intents(KeySpan.all())).isEmpty();
      assertThat(rocks.get(key("a"), ts(9)).orElseThrow().value()).isEqualTo(bytes("A"));
      assertThat(rocks.get(key("b"), ts(9)).orElseThrow().isTombstone()).isTrue();
    }
  }

  @Test
  void storedBytesFollowTheDocumentedLayout() throws Exception {
    try (RocksMvccEngine rocks = open(tempDir)) {
      rocks.commit(List.of(Write.put(Key.wrap(new byte[] {'k', 0}), bytes("v"))), ts(5)).join();
      rocks.commit(List.of(Write.delete(Key.wrap(new byte[] {'k', 0}))), ts(6)).join();
      rocks.putIntents(new TxnId(3, 0x0102), ts(0x0a0b), List.of(put("i", "iv"))).join();
      rocks.collectGarbage(ts(0x77));
    }
    Map<String, List<byte[][]>> raw = readRaw(tempDir);

    // GC removed both versions of "k\0": the tombstone at the horizon and the row below it.
    assertThat(raw.get("mvcc")).isEmpty();
    assertThat(raw.get("intents")).hasSize(1);
    assertThat(raw.get("intents").get(0)[0]).isEqualTo(bytes("i"));
    assertThat(raw.get("intents").get(0)[1])
        .isEqualTo(
            new byte[] {
              0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0x0a, 0x0b, 0x01, 'i', 'v'
            });
    assertThat(raw.get("meta")).hasSize(1);
    assertThat(raw.get("meta").get(0)[0]).isEqualTo(bytes("gc-horizon"));
    assertThat(raw.get("meta").get(0)[1]).isEqualTo(new byte[] {0, 0, 0, 0, 0, 0, 0, 0x77});
    assertThat(raw.get("paxos_log")).isEmpty();
    assertThat(raw.get("paxos_state")).isEmpty();

    try (RocksMvccEngine rocks = open(tempDir)) {
      rocks.commit(List.of(Write.put(Key.wrap(new byte[] {'k', 0}), bytes("v"))), ts(0x100)).join();
      rocks.commit(List.of(Write.delete(key("d"))), ts(0x101)).join();
    }
    raw = readRaw(tempDir);
    long inverted100 = Long.MAX_VALUE - 0x100;
    long inverted101 = Long.MAX_VALUE - 0x101;
    assertThat(raw.get("mvcc")).hasSize(2);
    assertThat(raw.get("mvcc").get(0)[0]).isEqualTo(concat(new byte[] {'d', 0, 1}, be64(inverted101)));
    assertThat(raw.get("mvcc").get(0)[1]).isEqualTo(new byte[] {0x00});
    assertThat(raw.get("mvcc").get(1)[0])
        .isEqualTo(concat(new byte[] {'k', 0, (byte) 0xFF, 0, 1}, be64(inverted100)));
    assertThat(raw.get("mvcc").get(1)[1]).isEqualTo(new byte[] {0x01, 'v'});
  }

  @Test
  void walRecyclingStaysOnWithTheChosenRecoveryMode() throws Exception {
    // RocksDB silently turns recycling off for some recovery modes (and when WAL archiving is on);
    // the OPTIONS file it writes holds the options it actually runs with.
    try (RocksMvccEngine rocks = open(tempDir)) {
      rocks.commit(List.of(put("k", "v")), ts(1)).join();
    }
    Path optionsFile;
    try (Stream<Path> files = Files.list(tempDir)) {
      optionsFile =
          files
              .filter(p -> p.getFileName().toString().startsWith("OPTIONS-"))
              .max(Comparator.comparing(p -> p.getFileName().toString()))
              .orElseThrow();
    }
    String text = Files.readString(optionsFile);
    assertThat(text).contains("recycle_log_file_num=" + TEST_OPTIONS.walRecycleFileCount());
    assertThat(text).contains("wal_recovery_mode=kPointInTimeRecovery");
    assertThat(text).contains("WAL_size_limit_MB=0");
    assertThat(text).contains("WAL_ttl_seconds=0");
  }

  // ---------------------------------------------------------------------------------- helpers

  private static RocksMvccEngine open(Path directory) {
    return RocksMvccEngine.open(directory, TEST_OPTIONS, new NamedThreadFactory("rocks-sync"));
  }

  /** Every entry of every column family, read with plain RocksDB: column family -> [key, value]. */
  private static Map<String, List<byte[][]>> readRaw(Path directory) throws Exception {
    Map<String, List<byte[][]>> out = new java.util.TreeMap<>();
    List<byte[]> names;
    try (Options options = new Options()) {
      names = RocksDB.listColumnFamilies(options, directory.toString());
    }
    List<ColumnFamilyOptions> cfOptions = new ArrayList<>();
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    for (byte[] name : names) {
      ColumnFamilyOptions cf = new ColumnFamilyOptions();
      cfOptions.add(cf);
      descriptors.add(new ColumnFamilyDescriptor(name, cf));
    }
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    try (DBOptions dbOptions = new DBOptions();
        RocksDB db = RocksDB.openReadOnly(dbOptions, directory.toString(), descriptors, handles)) {
      for (int i = 0; i < names.size(); i++) {
        List<byte[][]> entries = new ArrayList<>();
        try (RocksIterator it = db.newIterator(handles.get(i))) {
          for (it.seekToFirst(); it.isValid(); it.next()) {
            entries.add(new byte[][] {it.key(), it.value()});
          }
        }
        out.put(new String(names.get(i), StandardCharsets.US_ASCII), entries);
      }
      handles.forEach(ColumnFamilyHandle::close);
    } finally {
      cfOptions.forEach(ColumnFamilyOptions::close);
    }
    return out;
  }

  private static byte[] be64(long value) {
    return java.nio.ByteBuffer.allocate(8).putLong(value).array();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static void deleteRecursively(Path directory) {
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
