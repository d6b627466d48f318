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
}
