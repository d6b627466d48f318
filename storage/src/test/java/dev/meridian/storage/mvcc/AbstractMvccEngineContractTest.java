package dev.meridian.storage.mvcc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link MvccEngine}, run against every implementation: extend it, implement {@link
 * #newEngine}, and (for engines that keep data on disk) {@link #reopen}. Shared with other modules
 * through the storage test-jar.
 *
 * <p>Glossary: a <em>version</em> is a committed value (or tombstone) of a key at a commit timestamp;
 * <em>visible at t</em> means the newest version with commitTs &lt;= t; an <em>intent</em> is a
 * prepared transaction's write, invisible to reads; the <em>horizon</em> is the GC horizon.
 *
 * <p>The engine hooks ({@code newEngine}, {@code reopen}, {@code discard}) and the property that
 * compares random operation sequences with a trivially simple model are declared in the superclass
 * {@link MvccEngineModelProperties}, to keep each file about one thing; every subclass of this class
 * runs both.
 */
public abstract class AbstractMvccEngineContractTest extends MvccEngineModelProperties {

  protected MvccEngine engine;

  @BeforeEach
  void createEngine() {
    engine = newEngine();
  }

  @AfterEach
  void discardEngine() {
    if (engine != null) {
      discard(engine);
    }
  }

  // ------------------------------------------------------------------------------ point reads

  @Test
  void getReturnsTheNewestVersionAtOrBelowTheReadTimestamp() {
    commit(ts(10), put("k", "v10"));
    commit(ts(20), put("k", "v20"));
    commit(ts(30), put("k", "v30"));

    assertThat(engine.get(key("k"), ts(9))).isEmpty();
    assertThat(render(engine.get(key("k"), ts(10)))).isEqualTo("\"k\"@ts10=v10");
    assertThat(render(engine.get(key("k"), ts(19)))).isEqualTo("\"k\"@ts10=v10");
    assertThat(render(engine.get(key("k"), ts(20)))).isEqualTo("\"k\"@ts20=v20");
    assertThat(render(engine.get(key("k"), ts(29)))).isEqualTo("\"k\"@ts20=v20");
    assertThat(render(engine.get(key("k"), ts(30)))).isEqualTo("\"k\"@ts30=v30");
    assertThat(render(engine.get(key("k"), Timestamp.MAX))).isEqualTo("\"k\"@ts30=v30");
    assertThat(engine.get(key("other"), Timestamp.MAX)).isEmpty();
  }

  @Test
  void timestampsAtBothEndsOfTheRangeWork() {
    commit(Timestamp.ZERO, put("k", "zero"));
    commit(Timestamp.MAX, put("k", "max"));

    assertThat(render(engine.get(key("k"), Timestamp.ZERO))).isEqualTo("\"k\"@ts0=zero");
    assertThat(render(engine.get(key("k"), Timestamp.MAX.minusMicros(1)))).isEqualTo("\"k\"@ts0=zero");
    assertThat(engine.get(key("k"), Timestamp.MAX).orElseThrow().commitTs()).isEqualTo(Timestamp.MAX);
  }

  @Test
  void aTombstoneIsReturnedByGetAndHidesOlderVersionsFromScans() {
    commit(ts(10), put("k", "v10"));
    commit(ts(20), Write.delete(key("k")));

    Version tombstone = engine.get(key("k"), ts(25)).orElseThrow();
    assertThat(tombstone.isTombstone()).isTrue();
    assertThat(tombstone.commitTs()).isEqualTo(ts(20));
    assertThat(engine.scan(KeySpan.all(), ts(25), Direction.FORWARD, 10)).isEmpty();
    assertThat(engine.scan(KeySpan.all(), ts(25), Direction.REVERSE, 10)).isEmpty();
    assertThat(renderAll(engine.scan(KeySpan.all(), ts(15), Direction.FORWARD, 10)))
        .containsExactly("\"k\"@ts10=v10");
  }

  @Test
  void manyVersionsOfOneKeyAreEachVisibleInTheirInterval() {
    for (int t = 2; t <= 400; t += 2) {
      commit(ts(t), t % 10 == 0 ? Write.delete(key("k")) : put("k", "v" + t));
    }
    commit(ts(5), put("j", "j5"));
    commit(ts(5), put("l", "l5"));
    assertThat(engine.get(key("k"), ts(1))).isEmpty();
    for (int t = 2; t <= 401; t++) {
      int expected = t - t % 2;
      Version version = engine.get(key("k"), ts(t)).orElseThrow();
      assertThat(version.commitTs()).isEqualTo(ts(expected));
      assertThat(version.isTombstone()).isEqualTo(expected % 10 == 0);
      List<String> scanned = renderAll(engine.scan(KeySpan.all(), ts(t), Direction.FORWARD, 10));
      List<String> reversed = renderAll(engine.scan(KeySpan.all(), ts(t), Direction.REVERSE, 10));
      List<String> expectedScan = new ArrayList<>();
      if (t >= 5) {
        expectedScan.add("\"j\"@ts5=j5");
      }
      if (expected % 10 != 0) {
        expectedScan.add("\"k\"@ts" + expected + "=v" + expected);
      }
      if (t >= 5) {
        expectedScan.add("\"l\"@ts5=l5");
      }
      assertThat(scanned).as("scan at %d", t).isEqualTo(expectedScan);
      assertThat(reversed).as("reverse scan at %d", t).isEqualTo(expectedScan.reversed());
    }
  }

  @Test
  void storedValuesAreCopies() {
    byte[] value = bytes("original");
    engine.commit(List.of(Write.put(key("k"), value)), ts(1)).join();
    value[0] = 'X';
    byte[] read = engine.get(key("k"), ts(1)).orElseThrow().value();
    assertThat(new String(read, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("original");
    read[0] = 'Y';
    assertThat(render(engine.get(key("k"), ts(1)))).isEqualTo("\"k\"@ts1=original");
  }

  @Test
  void anEmptyValueIsARowNotATombstone() {
    engine.commit(List.of(Write.put(key("k"), new byte[0])), ts(1)).join();
    Version version = engine.get(key("k"), ts(1)).orElseThrow();
    assertThat(version.isTombstone()).isFalse();
    assertThat(version.value()).isEmpty();
    assertThat(engine.scan(KeySpan.all(), ts(1), Direction.FORWARD, 10)).hasSize(1);
  }

  // ------------------------------------------------------------------------------------ scans

  @Test
  void scansHonourDirectionAndLimit() {
    for (String k : List.of("a", "b", "c", "d", "e")) {
      commit(ts(1), put(k, k + "1"));
    }
    assertThat(keysOf(engine.scan(KeySpan.all(), ts(1), Direction.FORWARD, 3)))
        .containsExactly("a", "b", "c");
    assertThat(keysOf(engine.scan(KeySpan.all(), ts(1), Direction.REVERSE, 3)))
        .containsExactly("e", "d", "c");
    assertThat(keysOf(engine.scan(KeySpan.all(), ts(1), Direction.FORWARD, 100)))
        .containsExactly("a", "b", "c", "d", "e");
    assertThat(engine.scan(KeySpan.all(), ts(1), Direction.FORWARD, 0)).isEmpty();
    assertThat(engine.scan(KeySpan.all(), ts(1), Direction.REVERSE, 0)).isEmpty();
    assertThat(keysOf(engine.scan(KeySpan.all(), ts(1), Direction.REVERSE, 1))).containsExactly("e");
  }

  @Test
  void scansHonourBoundedAndUnboundedSpans() {
    for (String k : List.of("a", "b", "c", "d", "e")) {
      commit(ts(1), put(k, k + "1"));
    }
    KeySpan bToD = new KeySpan(key("b"), key("d"));
    assertThat(keysOf(engine.scan(bToD, ts(1), Direction.FORWARD, 10))).containsExactly("b", "c");
    assertThat(keysOf(engine.scan(bToD, ts(1), Direction.REVERSE, 10))).containsExactly("c", "b");
    KeySpan fromC = new KeySpan(key("c"), null);
    assertThat(keysOf(engine.scan(fromC, ts(1), Direction.FORWARD, 10))).containsExactly("c", "d", "e");
    assertThat(keysOf(engine.scan(fromC, ts(1), Direction.REVERSE, 10))).containsExactly("e", "d", "c");
    KeySpan between = new KeySpan(key("b0"), key("c0"));
    assertThat(keysOf(engine.scan(between, ts(1), Direction.FORWARD, 10))).containsExactly("c");
    assertThat(keysOf(engine.scan(between, ts(1), Direction.REVERSE, 10))).containsExactly("c");
    KeySpan afterAll = new KeySpan(key("f"), null);
    assertThat(engine.scan(afterAll, ts(1), Direction.FORWARD, 10)).isEmpty();
    assertThat(engine.scan(afterAll, ts(1), Direction.REVERSE, 10)).isEmpty();
    KeySpan beforeAll = new KeySpan(Key.EMPTY, key("a"));
    assertThat(engine.scan(beforeAll, ts(1), Direction.FORWARD, 10)).isEmpty();
    assertThat(engine.scan(beforeAll, ts(1), Direction.REVERSE, 10)).isEmpty();
    assertThat(keysOf(engine.scan(KeySpan.point(key("d")), ts(1), Direction.REVERSE, 10)))
        .containsExactly("d");
  }

  @Test
  void emptySpansReturnNothing() {
    commit(ts(1), put("a", "a1"), put("b", "b1"));
    KeySpan empty = new KeySpan(key("a"), key("a"));
    assertThat(engine.scan(empty, ts(1), Direction.FORWARD, 10)).isEmpty();
    assertThat(engine.scan(empty, ts(1), Direction.REVERSE, 10)).isEmpty();
    assertThat(engine.newestAfter(empty, ts(0))).isEmpty();
    engine.putIntents(txn(1), ts(2), List.of(put("a", "intent"))).join();
    assertThat(engine.intents(empty)).isEmpty();
  }

  @Test
  void scansSkipKeysWithNothingVisibleAtTheReadTimestamp() {
    commit(ts(1), put("a", "a1"));
    commit(ts(5), put("b", "b5"));
    commit(ts(1), put("c", "c1"));
    commit(ts(9), put("a", "a9"), put("c", "c9"));
    assertThat(renderAll(engine.scan(KeySpan.all(), ts(3), Direction.FORWARD, 10)))
        .containsExactly("\"a\"@ts1=a1", "\"c\"@ts1=c1");
    assertThat(renderAll(engine.scan(KeySpan.all(), ts(3), Direction.REVERSE, 10)))
        .containsExactly("\"c\"@ts1=c1", "\"a\"@ts1=a1");
    assertThat(renderAll(engine.scan(KeySpan.all(), ts(0), Direction.FORWARD, 10))).isEmpty();
    assertThat(renderAll(engine.scan(KeySpan.all(), ts(0), Direction.REVERSE, 10))).isEmpty();
  }

  /** Keys that are prefixes of each other, keys with 0x00 and 0xFF bytes, and the empty key. */
  protected static final List<Key> AWKWARD_KEYS =
      List.of(
          Key.EMPTY,
          raw(0x00),
          raw(0x00, 0x00),
          raw(0x00, 0x01),
          raw(0x00, 0xFF),
          raw(0x01),
          raw('a'),
          raw('a', 0x00),
          raw('a', 0x00, 0x00),
          raw('a', 0x00, 0x01),
          raw('a', 0x01),
          raw('a', 'b'),
          raw('a', 0xFF),
          raw(0xFF),
          raw(0xFF, 0x00),
          raw(0xFF, 0xFF));

  @Test
  void keysThatArePrefixesOrHoldZeroAndFfBytesKeepKeyOrder() {
    List<Key> shuffled = new ArrayList<>(AWKWARD_KEYS);
    java.util.Collections.reverse(shuffled);
    for (int i = 0; i < shuffled.size(); i++) {
      Key k = shuffled.get(i);
      engine.commit(List.of(Write.put(k, k.toByteArray())), ts(10)).join();
      engine.commit(List.of(Write.put(k, bytes("new"))), ts(20)).join();
    }
    List<Key> sorted = AWKWARD_KEYS.stream().sorted().toList();
    assertThat(sorted).isEqualTo(AWKWARD_KEYS); // the list is written in key order

    List<Version> forward = engine.scan(KeySpan.all(), ts(15), Direction.FORWARD, 100);
    assertThat(forward).extracting(Version::key).containsExactlyElementsOf(sorted);
    for (Version version : forward) {
      assertThat(version.value()).isEqualTo(version.key().toByteArray());
    }
    assertThat(engine.scan(KeySpan.all(), ts(15), Direction.REVERSE, 100))
        .extracting(Version::key)
        .containsExactlyElementsOf(sorted.reversed());
    for (Key k : sorted) {
      assertThat(engine.get(k, ts(15)).orElseThrow().value()).isEqualTo(k.toByteArray());
      assertThat(engine.scan(KeySpan.point(k), ts(15), Direction.FORWARD, 10))
          .extracting(Version::key)
          .containsExactly(k);
      assertThat(engine.scan(KeySpan.point(k), ts(25), Direction.REVERSE, 10))
          .extracting(Version::key)
          .containsExactly(k);
      for (KeySpan span : List.of(KeySpan.prefix(k), new KeySpan(k, null), new KeySpan(Key.EMPTY, k))) {
        List<Key> expected = sorted.stream().filter(span::contains).toList();
        assertThat(engine.scan(span, ts(15), Direction.FORWARD, 100))
            .as("forward %s", span)
            .extracting(Version::key)
            .containsExactlyElementsOf(expected);
        assertThat(engine.scan(span, ts(15), Direction.REVERSE, 100))
            .as("reverse %s", span)
            .extracting(Version::key)
            .containsExactlyElementsOf(expected.reversed());
      }
    }
  }

  // ------------------------------------------------------------------------------ newestAfter

  @Test
  void newestAfterFindsVersionsNewerThanTheTimestamp() {
    commit(ts(10), put("b", "b10"));
    commit(ts(20), put("c", "c20"));
    KeySpan all = KeySpan.all();

    assertThat(engine.newestAfter(all, ts(20))).isEmpty();
    assertThat(render(engine.newestAfter(all, ts(19)))).isEqualTo("\"c\"@ts20=c20");
    assertThat(render(engine.newestAfter(all, ts(10)))).isEqualTo("\"c\"@ts20=c20");
    assertThat(engine.newestAfter(all, ts(9)).orElseThrow().commitTs()).isGreaterThan(ts(9));
    assertThat(engine.newestAfter(new KeySpan(key("a"), key("c")), ts(10))).isEmpty();
    assertThat(render(engine.newestAfter(new KeySpan(key("a"), key("c")), ts(9))))
        .isEqualTo("\"b\"@ts10=b10");
    assertThat(render(engine.newestAfter(new KeySpan(key("c"), key("d")), ts(19))))
        .isEqualTo("\"c\"@ts20=c20");
    assertThat(engine.newestAfter(new KeySpan(key("c0"), null), ts(0))).isEmpty();
  }

  @Test
  void newestAfterSeesTombstonesAndOnlyTheSpan() {
    commit(ts(10), put("k", "v"));
    commit(ts(30), Write.delete(key("k")));
    Version found = engine.newestAfter(KeySpan.point(key("k")), ts(20)).orElseThrow();
    assertThat(found.isTombstone()).isTrue();
    assertThat(found.commitTs()).isEqualTo(ts(30));
    // span edges: the start is in, the end is out
    assertThat(engine.newestAfter(new KeySpan(key("k"), key("l")), ts(20))).isPresent();
    assertThat(engine.newestAfter(new KeySpan(key("j"), key("k")), ts(20))).isEmpty();
    assertThat(engine.newestAfter(new KeySpan(Key.EMPTY, key("k")), ts(0))).isEmpty();
  }

  @Test
  void newestAfterIgnoresIntents() {
    engine.putIntents(txn(1), ts(5), List.of(put("k", "intent"))).join();
    assertThat(engine.newestAfter(KeySpan.all(), ts(0))).isEmpty();
  }

  // ---------------------------------------------------------------------------------- intents

  @Test
  void intentsAreInvisibleToReadsAndListedBySpanInKeyOrder() {
    commit(ts(1), put("b", "b1"));
    engine.putIntents(txn(1), ts(5), List.of(put("c", "c-intent"), put("a", "a-intent"))).join();
    engine.putIntents(txn(2), ts(6), List.of(Write.delete(key("b")))).join();

    assertThat(engine.get(key("a"), Timestamp.MAX)).isEmpty();
    assertThat(render(engine.get(key("b"), Timestamp.MAX))).isEqualTo("\"b\"@ts1=b1");
    assertThat(keysOf(engine.scan(KeySpan.all(), Timestamp.MAX, Direction.FORWARD, 10)))
        .containsExactly("b");

    assertThat(renderIntents(engine.intents(KeySpan.all())))
        .containsExactly(
            "\"a\" txn-1-1@ts5=a-intent", "\"b\" txn-2-2@ts6=⊥", "\"c\" txn-1-1@ts5=c-intent");
    assertThat(renderIntents(engine.intents(new KeySpan(key("b"), key("c")))))
        .containsExactly("\"b\" txn-2-2@ts6=⊥");
    assertThat(renderIntents(engine.intents(new KeySpan(key("b"), null))))
        .containsExactly("\"b\" txn-2-2@ts6=⊥", "\"c\" txn-1-1@ts5=c-intent");
    assertThat(engine.intents(new KeySpan(key("d"), null))).isEmpty();
  }

  @Test
  void committingIntentsTurnsThemIntoVersionsAtTheCommitTimestamp() {
    commit(ts(1), put("b", "b1"));
    engine.putIntents(txn(1), ts(5), List.of(put("a", "a7"), Write.delete(key("b")))).join();
    engine.resolveIntents(txn(1), List.of(key("a"), key("b")), Optional.of(ts(7))).join();

    assertThat(engine.intents(KeySpan.all())).isEmpty();
    assertThat(render(engine.get(key("a"), ts(7)))).isEqualTo("\"a\"@ts7=a7");
    assertThat(engine.get(key("a"), ts(6))).isEmpty();
    assertThat(engine.get(key("b"), ts(7)).orElseThrow().isTombstone()).isTrue();
    assertThat(render(engine.get(key("b"), ts(6)))).isEqualTo("\"b\"@ts1=b1");
  }

  @Test
  void abortingIntentsRemovesThemWithoutVersions() {
    engine.putIntents(txn(1), ts(5), List.of(put("a", "a"), put("b", "b"))).join();
    engine.resolveIntents(txn(1), List.of(key("a"), key("b")), Optional.empty()).join();
    assertThat(engine.intents(KeySpan.all())).isEmpty();
    assertThat(engine.scan(KeySpan.all(), Timestamp.MAX, Direction.FORWARD, 10)).isEmpty();
    assertThat(engine.newestAfter(KeySpan.all(), Timestamp.ZERO)).isEmpty();
  }

  @Test
  void resolvingIgnoresOtherTransactionsIntentsAndKeysWithoutIntents() {
    engine.putIntents(txn(1), ts(5), List.of(put("a", "mine"))).join();
    engine.putIntents(txn(2), ts(5), List.of(put("b", "theirs"))).join();
    engine
        .resolveIntents(txn(1), List.of(key("a"), key("b"), key("nothing")), Optional.of(ts(8)))
        .join();
    assertThat(renderIntents(engine.intents(KeySpan.all()))).containsExactly("\"b\" txn-2-2@ts5=theirs");
    assertThat(keysOf(engine.scan(KeySpan.all(), ts(8), Direction.FORWARD, 10))).containsExactly("a");

    engine.resolveIntents(txn(1), List.of(key("b")), Optional.empty()).join();
    assertThat(engine.intents(KeySpan.all())).hasSize(1);
    engine.resolveIntents(txn(2), List.of(key("b")), Optional.empty()).join();
    assertThat(engine.intents(KeySpan.all())).isEmpty();
  }

  @Test
  void writesQueuedInOrderSeeEachOther() {
    // Not joined in between: an engine that batches must still apply them in call order.
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    futures.add(engine.putIntents(txn(1), ts(5), List.of(put("a", "first"))));
    futures.add(engine.resolveIntents(txn(1), List.of(key("a")), Optional.of(ts(6))));
    futures.add(engine.putIntents(txn(2), ts(7), List.of(put("a", "second"))));
    futures.add(engine.resolveIntents(txn(1), List.of(key("a")), Optional.of(ts(9))));
    futures.add(engine.commit(List.of(put("b", "b8")), ts(8)));
    futures.forEach(CompletableFuture::join);

    assertThat(renderIntents(engine.intents(KeySpan.all()))).containsExactly("\"a\" txn-2-2@ts7=second");
    assertThat(renderAll(engine.scan(KeySpan.all(), Timestamp.MAX, Direction.FORWARD, 10)))
        .containsExactly("\"a\"@ts6=first", "\"b\"@ts8=b8");
  }

  // --------------------------------------------------------------------------------------- GC

  @Test
  void gcHorizonStartsAtZero() {
    assertThat(engine.gcHorizon()).isEqualTo(Timestamp.ZERO);
  }

  @Test
  void gcKeepsWhatReadsAtOrAboveTheHorizonSeeAndRemovesTheRest() {
    commit(ts(10), put("a", "a10"));
    commit(ts(20), put("a", "a20"));
    commit(ts(30), put("a", "a30")); // above the horizon: kept, and so is a20 below it
    commit(ts(10), put("b", "b10"));
    commit(ts(20), Write.delete(key("b"))); // a tombstone at the horizon: removed with b10
    commit(ts(5), put("c", "c5"));
    commit(ts(15), Write.delete(key("c")));
    commit(ts(25), put("c", "c25")); // c5 and the tombstone at 15 go; c25 stays
    commit(ts(40), put("d", "d40")); // nothing at or below the horizon

    GcResult result = engine.collectGarbage(ts(20));

    assertThat(result.horizon()).isEqualTo(ts(20));
    assertThat(result.versionsRemoved()).isEqualTo(1 + 2 + 2);
    assertThat(result.keysVisited()).isEqualTo(4);
    assertThat(engine.gcHorizon()).isEqualTo(ts(20));
    assertThat(render(engine.get(key("a"), ts(20)))).isEqualTo("\"a\"@ts20=a20");
    assertThat(render(engine.get(key("a"), ts(29)))).isEqualTo("\"a\"@ts20=a20");
    assertThat(render(engine.get(key("a"), ts(30)))).isEqualTo("\"a\"@ts30=a30");
    assertThat(engine.get(key("b"), ts(20))).isEmpty();
    assertThat(engine.get(key("b"), Timestamp.MAX)).isEmpty();
    assertThat(engine.get(key("c"), ts(24))).isEmpty();
    assertThat(render(engine.get(key("c"), ts(25)))).isEqualTo("\"c\"@ts25=c25");
    assertThat(renderAll(engine.scan(KeySpan.all(), ts(20), Direction.FORWARD, 10)))
        .containsExactly("\"a\"@ts20=a20");
    assertThat(renderAll(engine.scan(KeySpan.all(), Timestamp.MAX, Direction.REVERSE, 10)))
        .containsExactly("\"d\"@ts40=d40", "\"c\"@ts25=c25", "\"a\"@ts30=a30");

    GcResult again = engine.collectGarbage(ts(20));
    assertThat(again.versionsRemoved()).isZero();
    assertThat(again.keysVisited()).isEqualTo(3);
  }

  @Test
  void gcHorizonOnlyRises() {
    commit(ts(10), put("a", "a10"));
    engine.collectGarbage(ts(20));
    GcResult lower = engine.collectGarbage(ts(5));
    assertThat(lower.horizon()).isEqualTo(ts(20));
    assertThat(engine.gcHorizon()).isEqualTo(ts(20));
    assertThat(render(engine.get(key("a"), ts(20)))).isEqualTo("\"a\"@ts10=a10");
  }

  @Test
  void readsBelowTheHorizonFailNamingBothTimestamps() {
    commit(ts(10), put("a", "a10"));
    engine.collectGarbage(ts(20));

    for (Runnable read :
        List.<Runnable>of(
            () -> engine.get(key("a"), ts(19)),
            () -> engine.scan(KeySpan.all(), ts(19), Direction.FORWARD, 10),
            () -> engine.scan(KeySpan.all(), ts(19), Direction.REVERSE, 10))) {
      assertThatThrownBy(read::run)
          .isInstanceOfSatisfying(
              ReadBelowGcHorizonException.class,
              e -> {
                assertThat(e.readTs()).isEqualTo(ts(19));
                assertThat(e.gcHorizon()).isEqualTo(ts(20));
              })
          .hasMessageContaining("ts19")
          .hasMessageContaining("ts20");
    }
    assertThat(engine.get(key("a"), ts(20))).isPresent();
  }

  @Test
  void gcLeavesIntentsAlone() {
    engine.putIntents(txn(1), ts(5), List.of(put("a", "intent"))).join();
    engine.collectGarbage(ts(50));
    assertThat(engine.intents(KeySpan.all())).hasSize(1);
  }

  @Test
  void readsRacingGcAreCorrectOrFailBelowTheHorizon() throws Exception {
    int keys = 40;
    int versions = 20;
    for (int t = 1; t <= versions; t++) {
      List<Write> writes = new ArrayList<>();
      for (int k = 0; k < keys; k++) {
        writes.add(put(String.format("k%03d", k), "v" + t));
      }
      engine.commit(writes, ts(t)).join();
    }
    int readers = 3;
    CyclicBarrier start = new CyclicBarrier(readers + 1);
    ConcurrentLinkedQueue<Throwable> problems = new ConcurrentLinkedQueue<>();
    List<Thread> threads = new ArrayList<>();
    for (int r = 0; r < readers; r++) {
      int seed = r;
      Thread reader =
          new Thread(
              () -> {
                try {
                  start.await();
                  for (int i = 0; i < 300; i++) {
                    int readTs = 1 + (i * 7 + seed) % versions;
                    Direction direction = i % 2 == 0 ? Direction.FORWARD : Direction.REVERSE;
                    try {
                      List<Version> got = engine.scan(KeySpan.all(), ts(readTs), direction, 1000);
                      assertThat(got).hasSize(keys);
                      for (Version v : got) {
                        assertThat(v.commitTs()).isEqualTo(ts(readTs));
                      }
                    } catch (ReadBelowGcHorizonException e) {
                      assertThat(e.readTs()).isEqualTo(ts(readTs));
                      assertThat(e.gcHorizon()).isGreaterThan(ts(readTs));
                    }
                  }
                } catch (Throwable t) {
                  problems.add(t);
                }
              });
      reader.start();
      threads.add(reader);
    }
    start.await();
    for (int h = 1; h <= versions; h++) {
      engine.collectGarbage(ts(h));
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(problems).isEmpty();
    assertThat(engine.scan(KeySpan.all(), ts(versions), Direction.FORWARD, 1000)).hasSize(keys);
  }

  // ------------------------------------------------------------------------------ concurrency

  @Test
  void concurrentCommitsFromManyThreadsAllLand() throws Exception {
    int threads = 8;
    int commitsPerThread = 150;
    CyclicBarrier start = new CyclicBarrier(threads);
    ConcurrentLinkedQueue<CompletableFuture<Void>> futures = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Throwable> problems = new ConcurrentLinkedQueue<>();
    List<Thread> writers = new ArrayList<>();
    for (int w = 0; w < threads; w++) {
      int writer = w;
      Thread thread =
          new Thread(
              () -> {
                try {
                  start.await();
                  for (int i = 0; i < commitsPerThread; i++) {
                    String k = "w" + writer + "-" + i;
                    futures.add(
                        engine.commit(List.of(put(k + "a", "x"), put(k + "b", "y")), ts(1 + i)));
                  }
                } catch (Throwable t) {
                  problems.add(t);
                }
              });
      thread.start();
      writers.add(thread);
    }
    for (Thread thread : writers) {
      thread.join();
    }
    assertThat(problems).isEmpty();
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
    assertThat(engine.scan(KeySpan.all(), Timestamp.MAX, Direction.FORWARD, Integer.MAX_VALUE))
        .hasSize(threads * commitsPerThread * 2);
    for (int w = 0; w < threads; w++) {
      for (int i = 0; i < commitsPerThread; i += 37) {
        assertThat(engine.get(key("w" + w + "-" + i + "b"), ts(1 + i))).isPresent();
        assertThat(engine.get(key("w" + w + "-" + i + "b"), ts(i))).isEmpty();
      }
    }
  }

  // -------------------------------------------------------------------------------- closing

  @Test
  void closeFinishesQueuedWritesAndLaterCallsFail() {
    List<CompletableFuture<Void>> futures =
        IntStream.range(0, 50)
            .mapToObj(i -> engine.commit(List.of(put("k" + i, "v")), ts(1)))
            .toList();
    engine.close();
    assertThat(futures).allSatisfy(f -> assertThat(f).isCompleted());
    engine.close(); // idempotent

    assertThatThrownBy(() -> engine.get(key("k1"), ts(1))).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> engine.scan(KeySpan.all(), ts(1), Direction.FORWARD, 1))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> engine.newestAfter(KeySpan.all(), ts(1)))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> engine.intents(KeySpan.all())).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> engine.commit(List.of(put("x", "y")), ts(2)))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> engine.putIntents(txn(1), ts(2), List.of(put("x", "y"))))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> engine.resolveIntents(txn(1), List.of(key("x")), Optional.empty()))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> engine.collectGarbage(ts(1))).isInstanceOf(IllegalStateException.class);
  }

  // ---------------------------------------------------------------------------------- helpers

  protected void commit(Timestamp commitTs, Write... writes) {
    engine.commit(List.of(writes), commitTs).join();
  }

  protected static Timestamp ts(long micros) {
    return Timestamp.ofMicros(micros);
  }

  protected static Key key(String text) {
    return Key.utf8(text);
  }

  protected static Key raw(int... bytes) {
    byte[] out = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      out[i] = (byte) bytes[i];
    }
    return Key.wrap(out);
  }

  protected static byte[] bytes(String text) {
    return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  protected static Write put(String k, String value) {
    return Write.put(key(k), bytes(value));
  }

  protected static TxnId txn(long n) {
    return new TxnId((int) n, n);
  }

  private static List<String> keysOf(List<Version> versions) {
    return versions.stream()
        .map(v -> new String(v.key().unsafeBytes(), java.nio.charset.StandardCharsets.UTF_8))
        .toList();
  }

  static List<String> renderIntents(List<Intent> intents) {
    return intents.stream()
        .map(i -> i.key() + " " + i.txnId() + "@" + i.prepareTs() + "=" + text(i.value()))
        .toList();
  }

  private static String render(Optional<Version> version) {
    return version.map(AbstractMvccEngineContractTest::render).orElse("none");
  }

  private static String render(Version v) {
    return v.key() + "@" + v.commitTs() + "=" + text(v.value());
  }

  static List<String> renderAll(List<Version> versions) {
    return versions.stream().map(AbstractMvccEngineContractTest::render).toList();
  }

  private static String text(byte[] value) {
    if (value == null) {
      return "⊥";
    }
    boolean printable = true;
    for (byte b : value) {
      printable &= b >= 0x20 && b < 0x7f;
    }
    return printable
        ? new String(value, java.nio.charset.StandardCharsets.US_ASCII)
        : "0x" + HexFormat.of().formatHex(value);
  }
}
