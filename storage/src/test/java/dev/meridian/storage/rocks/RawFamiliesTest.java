package dev.meridian.storage.rocks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.runtime.real.NamedThreadFactory;
import dev.meridian.storage.Key;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.mvcc.Write;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine's raw API for the paxos column families: writes, reads, and sharing synced writes. */
class RawFamiliesTest {

  @TempDir Path tempDir;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> keys(List<RawEntry> entries) {
    return entries.stream().map(e -> new String(e.key(), StandardCharsets.UTF_8)).toList();
  }

  private RocksMvccEngine open() {
    return RocksMvccEngine.open(tempDir, RocksMvccEngineTest.TEST_OPTIONS, new NamedThreadFactory("raw-sync"));
  }

  @Test
  void putsDeletesAndRangeDeletesApplyInOrderAndSurviveReopen() {
    try (RocksMvccEngine engine = open()) {
      engine
          .writeRaw(new RawBatch()
              .put(RawFamily.PAXOS_LOG, b("a1"), b("x"))
              .put(RawFamily.PAXOS_LOG, b("a2"), b("y"))
              .put(RawFamily.PAXOS_LOG, b("a3"), b("z"))
              .put(RawFamily.PAXOS_LOG, b("b1"), b("w"))
              .put(RawFamily.PAXOS_STATE, b("a"), b("state")))
          .join();
      engine
          .writeRaw(new RawBatch()
              .deleteRange(RawFamily.PAXOS_LOG, b("a1"), b("a3"))
              // Added after the range delete that covers it: it survives.
              .put(RawFamily.PAXOS_LOG, b("a2"), b("y2"))
              .delete(RawFamily.PAXOS_LOG, b("b1")))
          .join();
    }
    try (RocksMvccEngine engine = open()) {
      assertThat(keys(engine.scanRawPrefix(RawFamily.PAXOS_LOG, b("a")))).containsExactly("a2", "a3");
      assertThat(engine.getRaw(RawFamily.PAXOS_LOG, b("a2"))).hasValueSatisfying(v -> assertThat(v).isEqualTo(b("y2")));
      assertThat(engine.getRaw(RawFamily.PAXOS_LOG, b("a1"))).isEmpty();
      assertThat(engine.getRaw(RawFamily.PAXOS_LOG, b("b1"))).isEmpty();
      // The families are separate key spaces.
      assertThat(engine.getRaw(RawFamily.PAXOS_STATE, b("a"))).isPresent();
      assertThat(engine.getRaw(RawFamily.PAXOS_LOG, b("a"))).isEmpty();
    }
  }

  @Test
  void scanHonoursBoundsAndLimit() {
    try (RocksMvccEngine engine = open()) {
      RawBatch batch = new RawBatch();
      for (String key : List.of("k1", "k2", "k3", "k4", "l1")) {
        batch.put(RawFamily.PAXOS_STATE, b(key), b("v"));
      }
      engine.writeRaw(batch).join();
      assertThat(keys(engine.scanRaw(RawFamily.PAXOS_STATE, b("k2"), b("k4"), 10))).containsExactly("k2", "k3");
      assertThat(keys(engine.scanRaw(RawFamily.PAXOS_STATE, b("k2"), null, 2))).containsExactly("k2", "k3");
      assertThat(keys(engine.scanRaw(RawFamily.PAXOS_STATE, b("k5"), null, 10))).containsExactly("l1");
      assertThat(keys(engine.scanRawPrefix(RawFamily.PAXOS_STATE, new byte[0]))).hasSize(5);
    }
  }

  @Test
  void rawBatchesAndCommitsShareOneSyncedWrite() {
    GatedThreadFactory gate = new GatedThreadFactory();
    try (RocksMvccEngine engine = RocksMvccEngine.open(tempDir, RocksMvccEngineTest.TEST_OPTIONS, gate)) {
      CompletableFuture<Void> raw = engine.writeRaw(new RawBatch().put(RawFamily.PAXOS_LOG, b("k"), b("v")));
      CompletableFuture<Void> commit =
          engine.commit(List.of(Write.put(Key.utf8("row"), b("r"))), new Timestamp(5));
      CompletableFuture<Void> empty = engine.writeRaw(new RawBatch());
      gate.open();
      CompletableFuture.allOf(raw, commit, empty).join();
      assertThat(engine.groupWrites()).isEqualTo(1);
      assertThat(engine.operationsWritten()).isEqualTo(3);
      assertThat(engine.getRaw(RawFamily.PAXOS_LOG, b("k"))).isPresent();
    }
  }

  @Test
  void aBackwardsRangeIsRefused() {
    assertThatThrownBy(() -> new RawBatch().deleteRange(RawFamily.PAXOS_LOG, b("b"), b("a")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void prefixEndIsTheNextPrefix() {
    assertThat(RawKeys.prefixEnd(new byte[] {1, (byte) 0xFF})).containsExactly(2);
    assertThat(RawKeys.prefixEnd(new byte[] {1, 2})).containsExactly(1, 3);
    assertThat(RawKeys.prefixEnd(new byte[] {(byte) 0xFF})).isNull();
    assertThat(RawKeys.prefixEnd(new byte[0])).isNull();
  }

  @Test
  void anUnsyncedWriteIsVisibleAtOnceAndSurvivesAReopen() {
    try (RocksMvccEngine engine = open()) {
      engine.writeRawUnsynced(new RawBatch()
          .put(RawFamily.STATE_MACHINE, b("g1/applied"), b("7"))
          .put(RawFamily.STATE_MACHINE, b("g1/k"), b("v")));
      assertThat(engine.getRaw(RawFamily.STATE_MACHINE, b("g1/applied")))
          .hasValueSatisfying(v -> assertThat(v).isEqualTo(b("7")));
      // A synced write after it carries it (the same write-ahead log).
      engine.writeRaw(new RawBatch().put(RawFamily.PAXOS_STATE, b("g1"), b("hard"))).join();
    }
    try (RocksMvccEngine engine = open()) {
      assertThat(keys(engine.scanRawPrefix(RawFamily.STATE_MACHINE, b("g1/")))).containsExactly("g1/applied", "g1/k");
    }
  }

  @Test
  void aSnapshotScanReadsOneConsistentStateInBoundedBatches() {
    try (RocksMvccEngine engine = open()) {
      RawBatch batch = new RawBatch();
      for (int i = 0; i < 20; i++) {
        batch.put(RawFamily.STATE_MACHINE, b(String.format("s/%02d", i)), b("value"));
      }
      batch.put(RawFamily.STATE_MACHINE, b("t/outside"), b("x"));
      engine.writeRawUnsynced(batch);
      List<String> seen = new java.util.ArrayList<>();
      int batches = 0;
      try (RawSnapshotScan scan = engine.openRawSnapshotScan(RawFamily.STATE_MACHINE, b("s/"), b("s0"))) {
        // Written after the scan opened: not in it.
        engine.writeRawUnsynced(new RawBatch()
            .put(RawFamily.STATE_MACHINE, b("s/05x"), b("late"))
            .delete(RawFamily.STATE_MACHINE, b("s/10")));
        for (List<RawEntry> next = scan.next(30); !next.isEmpty(); next = scan.next(30)) {
          long bytes = next.stream().mapToLong(e -> e.key().length + e.value().length).sum();
          assertThat(bytes).isLessThanOrEqualTo(30);
          seen.addAll(keys(next));
          batches++;
        }
      }
      assertThat(seen).hasSize(20).contains("s/10").doesNotContain("s/05x", "t/outside");
      assertThat(batches).isEqualTo(7); // 9-byte entries: three per 30 bytes
      try (RawSnapshotScan scan = engine.openRawSnapshotScan(RawFamily.STATE_MACHINE, b("s/"), b("s0"))) {
        assertThatThrownBy(() -> scan.next(5)).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("larger than a snapshot chunk of 5 bytes");
      }
    }
  }
}
