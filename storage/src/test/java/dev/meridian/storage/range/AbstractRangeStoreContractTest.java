package dev.meridian.storage.range;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import dev.meridian.storage.codec.BinaryReader;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.storage.mvcc.Intent;
import dev.meridian.storage.mvcc.Version;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link RangeStore}, run against every implementation (as Ignite 3's
 * AbstractMvPartitionStorageTest): extend it, implement {@link #newStore} and {@link #restart}.
 * Shared with other modules through the storage test-jar.
 *
 * <p>Glossary: range 7 owns {@code [a, m)} and range 8 owns {@code [m, ∞)} in most tests; a
 * <em>local</em> is a range-local entry; <em>restart</em> closes the store and opens it again on
 * what it keeps (for the in-memory store, the same object).
 */
public abstract class AbstractRangeStoreContractTest {

  protected static final long R7 = 7;
  protected static final long R8 = 8;
  protected static final KeySpan SPAN7 = new KeySpan(key("a"), key("m"));
  protected static final KeySpan SPAN8 = new KeySpan(key("m"), null);

  protected RangeStore store;

  /** A fresh, empty store. */
  protected abstract RangeStore newStore();

  /** Closes {@code store} and opens it again over what it kept. */
  protected abstract RangeStore restart(RangeStore store);

  /** Releases whatever {@code store} holds (it may be closed already). */
  protected abstract void discard(RangeStore store);

  @BeforeEach
  void open() {
    store = newStore();
  }

  @AfterEach
  void close() {
    discard(store);
  }

  protected static Key key(String text) {
    return Key.utf8(text);
  }

  protected static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  protected static Timestamp ts(long micros) {
    return Timestamp.ofMicros(micros);
  }

  private static final TxnId T1 = new TxnId(1, 1);

  private void seed() {
    store.newBatch()
        .putVersion(key("b"), ts(10), bytes("b10"))
        .putVersion(key("b"), ts(20), bytes("b20"))
        .putVersion(key("c"), ts(15), null)
        .putVersion(key("c"), ts(5), bytes("c5"))
        .putVersion(key("n"), ts(10), bytes("n10"))
        .putIntent(new Intent(key("d"), T1, ts(30), bytes("d30")))
        .putIntent(new Intent(key("p"), T1, ts(30), null))
        .putLocal(R7, LocalKind.META, new byte[0], bytes("meta7"))
        .putLocal(R7, LocalKind.TXN_RECORD, bytes("t2"), bytes("rec2"))
        .putLocal(R7, LocalKind.TXN_RECORD, bytes("t1"), bytes("rec1"))
        .putLocal(R8, LocalKind.META, new byte[0], bytes("meta8"))
        .setAppliedSlot(R7, 3)
        .setAppliedSlot(R8, 1)
        .commit();
  }

  // -------------------------------------------------------------------------------- reads

  @Test
  void versionReadsSeeTheNewestVersionAtOrBelowTheTimestampAndTombstonesHide() {
    seed();
    RangeReads reads = store.reads();
    assertThat(reads.get(key("b"), ts(9))).isEmpty();
    assertThat(reads.get(key("b"), ts(19)).orElseThrow().value()).isEqualTo(bytes("b10"));
    assertThat(reads.get(key("b"), ts(20)).orElseThrow().value()).isEqualTo(bytes("b20"));
    assertThat(reads.get(key("c"), ts(15)).orElseThrow().isTombstone()).isTrue();
    assertThat(keysOf(reads.scan(SPAN7, ts(12), Direction.FORWARD, 10))).containsExactly("b", "c");
    assertThat(keysOf(reads.scan(SPAN7, ts(16), Direction.FORWARD, 10))).containsExactly("b");
    assertThat(keysOf(reads.scan(KeySpan.all(), ts(12), Direction.REVERSE, 10))).containsExactly("n", "c", "b");
    assertThat(keysOf(reads.scan(KeySpan.all(), ts(12), Direction.FORWARD, 2))).containsExactly("b", "c");
    assertThat(reads.newestAfter(SPAN7, ts(20))).isEmpty();
    assertThat(reads.newestAfter(SPAN7, ts(19)).orElseThrow().commitTs()).isEqualTo(ts(20));
    assertThat(reads.newestAfter(new KeySpan(key("c"), key("d")), ts(10)).orElseThrow().isTombstone()).isTrue();
  }

  @Test
  void intentsAreInvisibleToVersionReadsAndListedBySpan() {
    seed();
    RangeReads reads = store.reads();
    assertThat(reads.get(key("d"), Timestamp.MAX)).isEmpty();
    List<Intent> intents = reads.intents(SPAN7);
    assertThat(intents).hasSize(1);
    assertThat(intents.getFirst().key()).isEqualTo(key("d"));
    assertThat(intents.getFirst().txnId()).isEqualTo(T1);
    assertThat(intents.getFirst().value()).isEqualTo(bytes("d30"));
    assertThat(reads.intents(SPAN8).getFirst().value()).isNull();
    store.newBatch().deleteIntent(key("d")).setAppliedSlot(R7, 4).commit();
    assertThat(store.reads().intents(SPAN7)).isEmpty();
  }

  @Test
  void localsAreKeptPerRangeInSuffixOrderAndTheAppliedSlotNamesHostedRanges() {
    seed();
    RangeReads reads = store.reads();
    assertThat(reads.appliedSlot(R7)).isEqualTo(OptionalLong.of(3));
    assertThat(reads.appliedSlot(9)).isEmpty();
    assertThat(reads.local(R8, LocalKind.META, new byte[0]).orElseThrow()).isEqualTo(bytes("meta8"));
    assertThat(reads.local(R7, LocalKind.PREPARED, new byte[0])).isEmpty();
    assertThat(reads.locals(R7, LocalKind.TXN_RECORD).stream().map(l -> new String(l.suffix(), StandardCharsets.UTF_8)))
        .containsExactly("t1", "t2");
    assertThat(store.hostedRanges()).containsExactly(R7, R8);
    store.newBatch().deleteLocal(R7, LocalKind.TXN_RECORD, bytes("t1")).setAppliedSlot(R7, 4).commit();
    assertThat(store.reads().locals(R7, LocalKind.TXN_RECORD)).hasSize(1);
    assertThatThrownBy(() -> store.newBatch().putLocal(R7, LocalKind.APPLIED_SLOT, new byte[0], new byte[8]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aSnapshotDoesNotSeeLaterBatches() {
    seed();
    try (RangeSnapshot snapshot = store.snapshot()) {
      store.newBatch()
          .putVersion(key("b"), ts(40), bytes("b40"))
          .deleteIntent(key("d"))
          .putLocal(R7, LocalKind.META, new byte[0], bytes("meta7'"))
          .setAppliedSlot(R7, 4)
          .commit();
      assertThat(snapshot.get(key("b"), Timestamp.MAX).orElseThrow().value()).isEqualTo(bytes("b20"));
      assertThat(snapshot.intents(SPAN7)).hasSize(1);
      assertThat(snapshot.appliedSlot(R7)).isEqualTo(OptionalLong.of(3));
      assertThat(snapshot.local(R7, LocalKind.META, new byte[0]).orElseThrow()).isEqualTo(bytes("meta7"));
      assertThat(store.reads().get(key("b"), Timestamp.MAX).orElseThrow().value()).isEqualTo(bytes("b40"));
      assertThat(store.reads().appliedSlot(R7)).isEqualTo(OptionalLong.of(4));
    }
  }

  // ------------------------------------------------------------------------------ state pages

  @Test
  void stateEntriesComeInStateOrderAndStayInsideTheRangeAndSpan() {
    seed();
    List<RangeEntry> all = store.reads().entriesAfter(R7, SPAN7, null, 1000);
    assertThat(all).map(Object::toString).containsExactly(
        "local APPLIED_SLOT \"\" = \"\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x03\"",
        "local META \"\" = \"meta7\"",
        "local TXN_RECORD \"t1\" = \"rec1\"",
        "local TXN_RECORD \"t2\" = \"rec2\"",
        "version \"b\"@ts20 = \"b20\"",
        "version \"b\"@ts10 = \"b10\"",
        "version \"c\"@ts15 = tombstone",
        "version \"c\"@ts5 = \"c5\"",
        "intent \"d\" txn-1-1@ts30 = \"d30\"");
    for (int i = 0; i + 1 < all.size(); i++) {
      assertThat(RangeEntry.STATE_ORDER.compare(all.get(i), all.get(i + 1))).isNegative();
      assertThat(store.reads().entriesAfter(R7, SPAN7, all.get(i), 1)).containsExactly(all.get(i + 1));
    }
  }

  @Test
  void pagesOfAtMostNBytesTogetherHoldTheWholeState() {
    seed();
    List<RangeEntry> all = store.reads().entriesAfter(R7, SPAN7, null, 1000);
    for (int maxBytes : new int[] {40, 64, 100, 1 << 20}) {
      List<RangeEntry> paged = new ArrayList<>();
      RangeEntry after = null;
      while (true) {
        StatePage page = store.reads().statePage(R7, SPAN7, after, maxBytes);
        byte[] chunk = RangeEntryCodec.encode(page.entries());
        assertThat(chunk.length).isEqualTo(page.encodedBytes()).isLessThanOrEqualTo(maxBytes);
        assertThat(RangeEntryCodec.decode(chunk)).isEqualTo(page.entries());
        paged.addAll(page.entries());
        if (page.isLast()) {
          break;
        }
        after = page.resumeAfter();
      }
      assertThat(paged).as("pages of %d bytes", maxBytes).isEqualTo(all);
    }
    assertThatThrownBy(() -> store.reads().statePage(R7, SPAN7, null, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not fit");
  }

  // --------------------------------------------------------------------------------- install

  private List<byte[]> chunksOf(RangeReads reads, long rangeId, KeySpan span, int maxBytes) {
    List<byte[]> chunks = new ArrayList<>();
    RangeEntry after = null;
    while (true) {
      StatePage page = reads.statePage(rangeId, span, after, maxBytes);
      chunks.add(RangeEntryCodec.encode(page.entries()));
      if (page.isLast()) {
        return chunks;
      }
      after = page.resumeAfter();
    }
  }

  @Test
  void anInstallIsInvisibleUntilCommittedAndThenReplacesTheRangesState() {
    seed();
    List<RangeEntry> before;
    List<byte[]> chunks;
    try (RangeSnapshot snapshot = store.snapshot()) {
      before = snapshot.entriesAfter(R7, SPAN7, null, 1000);
      chunks = chunksOf(snapshot, R7, SPAN7, 64);
    }
    // The replica moves on, then learns it must take the snapshot instead.
    store.newBatch()
        .putVersion(key("e"), ts(50), bytes("e50"))
        .putLocal(R7, LocalKind.PREPARED, bytes("t9"), bytes("p"))
        .setAppliedSlot(R7, 9)
        .commit();
    try (RangeStaging staging = store.beginInstall(R7, SPAN7)) {
      for (byte[] chunk : chunks) {
        staging.add(chunk);
      }
      assertThat(store.reads().appliedSlot(R7)).isEqualTo(OptionalLong.of(9));
      assertThat(store.reads().get(key("e"), Timestamp.MAX)).isPresent();
      staging.commit();
    }
    assertThat(store.reads().entriesAfter(R7, SPAN7, null, 1000)).isEqualTo(before);
    assertThat(store.reads().get(key("n"), Timestamp.MAX)).as("range 8 untouched").isPresent();
    assertThat(store.reads().appliedSlot(R8)).isEqualTo(OptionalLong.of(1));
  }

  @Test
  void anInstallIntoAnEmptyStoreGivesEqualStateAndAnAbortedOneLeavesNothing() {
    seed();
    List<byte[]> chunks = chunksOf(store.reads(), R7, SPAN7, 80);
    RangeStore other = newStore();
    try {
      try (RangeStaging aborted = other.beginInstall(R7, SPAN7)) {
        aborted.add(chunks.getFirst());
        aborted.abort();
      }
      assertThat(other.hostedRanges()).isEmpty();
      try (RangeStaging staging = other.beginInstall(R7, SPAN7)) {
        chunks.forEach(staging::add);
        assertThat(staging.stagedBytes()).isEqualTo(chunks.stream().mapToLong(c -> c.length).sum());
        staging.commit();
      }
      assertThat(other.reads().entriesAfter(R7, SPAN7, null, 1000))
          .isEqualTo(store.reads().entriesAfter(R7, SPAN7, null, 1000));
      assertThat(other.hostedRanges()).containsExactly(R7);
    } finally {
      discard(other);
    }
  }

  @Test
  void anInstallRefusesReorderedChunksForeignKeysAndAStateWithoutAnAppliedSlot() {
    seed();
    List<byte[]> chunks = chunksOf(store.reads(), R7, SPAN7, 64);
    assertThat(chunks.size()).isGreaterThan(2);
    try (RangeStaging staging = store.beginInstall(R7, SPAN7)) {
      staging.add(chunks.getFirst());
      assertThatThrownBy(() -> staging.add(chunks.getFirst())).isInstanceOf(BinaryReader.MalformedException.class);
      assertThatThrownBy(() -> staging.add(RangeEntryCodec.encode(List.of(
              new RangeEntry.VersionEntry(key("z"), ts(1), bytes("z"))))))
          .isInstanceOf(BinaryReader.MalformedException.class)
          .hasMessageContaining("outside the span");
    }
    try (RangeStaging staging = store.beginInstall(R7, SPAN7)) {
      staging.add(RangeEntryCodec.encode(List.of(new RangeEntry.VersionEntry(key("b"), ts(1), bytes("b")))));
      assertThatThrownBy(staging::commit).isInstanceOf(IllegalStateException.class).hasMessageContaining("applied slot");
    }
    assertThat(store.reads().appliedSlot(R7)).isEqualTo(OptionalLong.of(3));
  }

  @Test
  void destroyRemovesOnlyThatRange() {
    seed();
    store.destroy(R7, SPAN7);
    assertThat(store.hostedRanges()).containsExactly(R8);
    assertThat(store.reads().entriesAfter(R7, SPAN7, null, 100)).isEmpty();
    assertThat(store.reads().get(key("n"), Timestamp.MAX)).isPresent();
    assertThat(store.reads().intents(SPAN8)).hasSize(1);
    store.destroy(R8, SPAN8);
    assertThat(store.hostedRanges()).isEmpty();
    assertThat(store.reads().scan(KeySpan.all(), Timestamp.MAX, Direction.FORWARD, 100)).isEmpty();
  }

  // --------------------------------------------------------------------------------- restart

  @Test
  void committedBatchesAndInstallsSurviveARestart() {
    seed();
    List<RangeEntry> r7 = store.reads().entriesAfter(R7, SPAN7, null, 1000);
    List<RangeEntry> r8 = store.reads().entriesAfter(R8, SPAN8, null, 1000);
    store = restart(store);
    assertThat(store.reads().entriesAfter(R7, SPAN7, null, 1000)).isEqualTo(r7);
    assertThat(store.reads().entriesAfter(R8, SPAN8, null, 1000)).isEqualTo(r8);
    assertThat(store.hostedRanges()).containsExactly(R7, R8);
  }

  @Test
  void staleStagingFromAnUnfinishedInstallIsDiscardedByTheNextInstall() {
    seed();
    List<byte[]> chunks = chunksOf(store.reads(), R7, SPAN7, 64);
    RangeStaging unfinished = store.beginInstall(R7, SPAN7);
    unfinished.add(chunks.get(1));
    store = restart(store);
    try (RangeStaging staging = store.beginInstall(R7, SPAN7)) {
      staging.add(chunks.get(0));
      staging.commit();
    }
    assertThat(store.reads().entriesAfter(R7, SPAN7, null, 1000))
        .isEqualTo(RangeEntryCodec.decode(chunks.get(0)));
  }

  private static List<String> keysOf(List<Version> versions) {
    return versions.stream().map(v -> new String(v.key().unsafeBytes(), StandardCharsets.UTF_8)).toList();
  }
}
