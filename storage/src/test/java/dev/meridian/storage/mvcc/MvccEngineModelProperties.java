package dev.meridian.storage.mvcc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.runtime.RandomSource;
import dev.meridian.runtime.testing.Gen;
import dev.meridian.runtime.testing.PropertyCheck;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.TxnId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The engine hooks of the contract, and its model-based property: random sequences of writes, intent
 * operations, garbage collections, reopens and reads run against the engine and against a model that
 * is little more than a list of every committed write; every read must agree.
 *
 * <p>Glossary: the <em>model</em> keeps all versions ever committed and never collects garbage; it
 * knows what a read at or above the horizon must return anyway (tombstones at or below the horizon
 * are gone, which it accounts for). Operations that break the engine's stated assumptions (two
 * versions of a key at one timestamp, a second transaction's intent on a key, a commit at or below the
 * horizon) are skipped, not sent.
 */
public abstract class MvccEngineModelProperties {

  /** A new, empty engine. */
  protected abstract MvccEngine newEngine();

  /**
   * Closes {@code engine} and opens a new one on the same data, or returns null (leaving {@code
   * engine} untouched) if the engine keeps nothing across a reopen.
   */
  protected MvccEngine reopen(MvccEngine engine) {
    return null;
  }

  /** Closes {@code engine} for good and frees what it holds (its directory, say). */
  protected void discard(MvccEngine engine) {
    engine.close();
  }

  // ------------------------------------------------------------------------------- operations

  /** Keys that are prefixes of each other and hold 0x00/0xFF bytes, the empty key among them. */
  private static final List<Key> KEYS =
      List.of(
          Key.EMPTY,
          Key.wrap(new byte[] {0}),
          Key.wrap(new byte[] {0, 0}),
          Key.wrap(new byte[] {0, (byte) 0xFF}),
          Key.wrap(new byte[] {1}),
          Key.utf8("a"),
          Key.wrap(new byte[] {'a', 0}),
          Key.wrap(new byte[] {'a', 1}),
          Key.wrap(new byte[] {'a', (byte) 0xFF}),
          Key.utf8("ab"),
          Key.wrap(new byte[] {(byte) 0xFF}),
          Key.wrap(new byte[] {(byte) 0xFF, 0}));

  /** A write of key KEYS[key]: value "v{value}", or a delete when value is -1. */
  record WriteSpec(int key, int value) {
    @Override
    public String toString() {
      return KEYS.get(key) + "=" + (value < 0 ? "⊥" : "v" + value);
    }
  }

  /** [the smaller key, the larger key) or [the smaller key, ∞). */
  record SpanSpec(int a, int b, boolean unbounded) {
    KeySpan span() {
      Key x = KEYS.get(a);
      Key y = KEYS.get(b);
      Key start = x.compareTo(y) <= 0 ? x : y;
      Key end = x.compareTo(y) <= 0 ? y : x;
      return new KeySpan(start, unbounded ? null : end);
    }

    @Override
    public String toString() {
      KeySpan span = span();
      return "[" + span.start() + ", " + (unbounded ? "∞" : span.end()) + ")";
    }
  }

  sealed interface Action {}

  record Commit(List<WriteSpec> writes, long ts) implements Action {}

  record PutIntents(int txn, long prepareTs, List<WriteSpec> writes) implements Action {}

  /** commitTs -1 means abort. */
  record Resolve(int txn, List<Integer> keys, long commitTs) implements Action {
    @Override
    public String toString() {
      return "Resolve[txn=" + txn + ", keys=" + keys.stream().map(KEYS::get).toList() + ", "
          + (commitTs < 0 ? "abort" : "commitTs=" + commitTs) + "]";
    }
  }

  record Get(int key, long ts) implements Action {
    @Override
    public String toString() {
      return "Get[" + KEYS.get(key) + ", ts=" + ts + "]";
    }
  }

  record Scan(SpanSpec span, long ts, Direction direction, int limit) implements Action {}

  record NewestAfter(SpanSpec span, long ts) implements Action {}

  record Intents(SpanSpec span) implements Action {}

  record Gc(long horizon) implements Action {}

  record Reopen() implements Action {}

  private static int key(RandomSource random) {
    return random.nextInt(KEYS.size());
  }

  private static List<WriteSpec> writes(RandomSource random) {
    int count = Gen.between(random, 1, 3);
    List<WriteSpec> writes = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      writes.add(new WriteSpec(key(random), Gen.between(random, -1, 4)));
    }
    return writes;
  }

  private static SpanSpec span(RandomSource random) {
    return new SpanSpec(key(random), key(random), random.nextInt(3) == 0);
  }

  /**
   * Timestamps that commits, reads and collections all draw one time in three, so that reads and
   * horizons land exactly on versions often (a tombstone at exactly the horizon, a read at exactly
   * a commit): uniform draws from 0..40 rarely coincide.
   */
  private static final long[] SHARED_TS = {10, 20, 30};

  private static long drawTs(RandomSource random, long min, long max) {
    return Gen.edgeBiased(random, 1.0 / 3, SHARED_TS, r -> Gen.between(r, min, max));
  }

  private static long writeTs(RandomSource random) {
    return drawTs(random, 0, 40);
  }

  private static long readTs(RandomSource random) {
    return drawTs(random, 0, 45);
  }

  private static int txn(RandomSource random) {
    return Gen.between(random, 1, 3);
  }

  private static Action action(RandomSource random) {
    return switch (Gen.frequency(random, 8, 3, 3, 5, 5, 2, 2, 2, 1)) {
      case 0 -> new Commit(writes(random), writeTs(random));
      case 1 -> new PutIntents(txn(random), writeTs(random), writes(random));
      case 2 -> {
        int txn = txn(random);
        List<Integer> keys = new ArrayList<>();
        for (int i = Gen.between(random, 1, 3); i > 0; i--) {
          keys.add(key(random));
        }
        yield new Resolve(txn, keys, drawTs(random, -1, 40)); // -1: abort
      }
      case 3 -> new Get(key(random), readTs(random));
      case 4 ->
          new Scan(
              span(random),
              readTs(random),
              Gen.oneOf(random, Direction.values()),
              Gen.between(random, 0, 6));
      case 5 -> new NewestAfter(span(random), readTs(random));
      case 6 -> new Intents(span(random));
      case 7 -> new Gc(drawTs(random, 0, 30));
      default -> new Reopen();
    };
  }

  /** 20 to 80 actions, the length uniform: bugs in GC and reopen need long histories. */
  static List<Action> actions(RandomSource random) {
    int length = Gen.between(random, 20, 80);
    List<Action> actions = new ArrayList<>(length);
    for (int i = 0; i < length; i++) {
      actions.add(action(random));
    }
    return actions;
  }

  @Test
  void behavesLikeAListOfEveryWrite() {
    PropertyCheck.forAll(60, MvccEngineModelProperties::actions, this::runAgainstModel);
  }

  private void runAgainstModel(List<Action> actions) {
    // A holder, so that a failure right after a reopen still discards the engine that is open.
    MvccEngine[] current = {newEngine()};
    try {
      Model model = new Model();
      for (int step = 0; step < actions.size(); step++) {
        apply(current, model, actions.get(step), "step " + step + ": " + actions.get(step));
      }
    } finally {
      discard(current[0]);
    }
  }

  private void apply(MvccEngine[] current, Model model, Action action, String where) {
    MvccEngine engine = current[0];
    switch (action) {
      case Commit c -> {
        if (model.canCommit(c.writes().stream().map(WriteSpec::key).toList(), c.ts())) {
          List<Write> writes = c.writes().stream().map(MvccEngineModelProperties::toWrite).toList();
          engine.commit(writes, ts(c.ts())).join();
          for (Write w : writes) {
            model.versions.add(new ModelVersion(w.key(), c.ts(), w.value()));
          }
        }
      }
      case PutIntents p -> {
        if (model.canPutIntents(p)) {
          List<Write> writes = p.writes().stream().map(MvccEngineModelProperties::toWrite).toList();
          engine.putIntents(txnId(p.txn()), ts(p.prepareTs()), writes).join();
          for (Write w : writes) {
            model.intents.put(w.key(), new Intent(w.key(), txnId(p.txn()), ts(p.prepareTs()), w.value()));
          }
        }
      }
      case Resolve r -> {
        List<Key> keys = r.keys().stream().map(KEYS::get).toList();
        List<Key> resolved =
            keys.stream()
                .distinct()
                .filter(k -> model.intents.containsKey(k))
                .filter(k -> model.intents.get(k).txnId().equals(txnId(r.txn())))
                .toList();
        boolean commits = r.commitTs() >= 0;
        if (!commits || model.canCommit(resolved.stream().map(KEYS::indexOf).toList(), r.commitTs())) {
          engine
              .resolveIntents(
                  txnId(r.txn()), keys, commits ? Optional.of(ts(r.commitTs())) : Optional.empty())
              .join();
          for (Key k : resolved) {
            Intent intent = model.intents.remove(k);
            if (commits) {
              model.versions.add(new ModelVersion(k, r.commitTs(), intent.value()));
            }
          }
        }
      }
      case Gc g -> {
        GcResult result = engine.collectGarbage(ts(g.horizon()));
        model.horizon = Math.max(model.horizon, g.horizon());
        assertThat(result.horizon()).as(where).isEqualTo(ts(model.horizon));
        assertThat(engine.gcHorizon()).as(where).isEqualTo(ts(model.horizon));
      }
      case Reopen ignored -> {
        MvccEngine reopened = reopen(engine);
        if (reopened != null) {
          current[0] = reopened;
          assertThat(reopened.gcHorizon()).as(where).isEqualTo(ts(model.horizon));
        }
      }
      case Get g -> {
        Key k = KEYS.get(g.key());
        MvccEngine e = engine;
        if (g.ts() < model.horizon) {
          expectBelowHorizon(() -> e.get(k, ts(g.ts())), g.ts(), model, where);
        } else {
          assertThat(e.get(k, ts(g.ts())).map(MvccEngineModelProperties::render))
              .as(where)
              .isEqualTo(model.visible(k, g.ts()).map(ModelVersion::render));
        }
      }
      case Scan s -> {
        KeySpan span = s.span().span();
        int limit = s.limit() == 6 ? Integer.MAX_VALUE : s.limit();
        MvccEngine e = engine;
        if (s.ts() < model.horizon) {
          expectBelowHorizon(() -> e.scan(span, ts(s.ts()), s.direction(), limit), s.ts(), model, where);
        } else {
          List<String> expected = model.scan(span, s.ts(), s.direction(), limit);
          assertThat(e.scan(span, ts(s.ts()), s.direction(), limit).stream()
                  .map(MvccEngineModelProperties::render)
                  .toList())
              .as(where)
              .isEqualTo(expected);
        }
      }
      case NewestAfter n -> {
        // Validation asks only above the horizon; below it, collected versions may be missing.
        if (n.ts() >= model.horizon) {
          KeySpan span = n.span().span();
          Set<String> candidates = new HashSet<>();
          for (ModelVersion v : model.versions) {
            if (span.contains(v.key()) && v.ts() > n.ts()) {
              candidates.add(v.render());
            }
          }
          Optional<String> got = engine.newestAfter(span, ts(n.ts())).map(MvccEngineModelProperties::render);
          if (candidates.isEmpty()) {
            assertThat(got).as(where).isEmpty();
          } else {
            assertThat(got).as(where).isPresent();
            assertThat(candidates).as(where).contains(got.get());
          }
        }
      }
      case Intents i -> {
        KeySpan span = i.span().span();
        List<String> expected =
            model.intents.values().stream()
                .filter(intent -> span.contains(intent.key()))
                .map(MvccEngineModelProperties::render)
                .toList();
        assertThat(engine.intents(span).stream().map(MvccEngineModelProperties::render).toList())
            .as(where)
            .isEqualTo(expected);
      }
    }
  }

  private static void expectBelowHorizon(Runnable read, long readTs, Model model, String where) {
    assertThatThrownBy(read::run)
        .as(where)
        .isInstanceOfSatisfying(
            ReadBelowGcHorizonException.class,
            e -> {
              assertThat(e.readTs()).isEqualTo(ts(readTs));
              assertThat(e.gcHorizon()).isEqualTo(ts(model.horizon));
            });
  }

  // ------------------------------------------------------------------------------------ model

  record ModelVersion(Key key, long ts, byte[] value) {
    String render() {
      return key + "@" + ts + "=" + text(value);
    }
  }

  static final class Model {
    final List<ModelVersion> versions = new ArrayList<>();
    final TreeMap<Key, Intent> intents = new TreeMap<>();
    long horizon;

    /** The engine assumes one version per key and timestamp, and commits above the horizon. */
    boolean canCommit(List<Integer> keys, long ts) {
      if (ts <= horizon || new HashSet<>(keys).size() != keys.size()) {
        return false;
      }
      for (int k : keys) {
        for (ModelVersion v : versions) {
          if (v.key().equals(KEYS.get(k)) && v.ts() == ts) {
            return false;
          }
        }
      }
      return true;
    }

    /** The engine assumes at most one transaction's intent per key. */
    boolean canPutIntents(PutIntents p) {
      List<Integer> keys = p.writes().stream().map(WriteSpec::key).toList();
      if (new HashSet<>(keys).size() != keys.size()) {
        return false;
      }
      for (int k : keys) {
        Intent existing = intents.get(KEYS.get(k));
        if (existing != null && !existing.txnId().equals(txnId(p.txn()))) {
          return false;
        }
      }
      return true;
    }

    /**
     * The version a read at {@code ts} (at or above the horizon) sees. A tombstone at or below the
     * horizon was committed before the collection that raised the horizon past it (commits go above
     * the horizon), so that collection removed it and the read sees nothing.
     */
    Optional<ModelVersion> visible(Key key, long ts) {
      Optional<ModelVersion> newest =
          versions.stream()
              .filter(v -> v.key().equals(key) && v.ts() <= ts)
              .max(Comparator.comparingLong(ModelVersion::ts));
      return newest.filter(v -> v.value() != null || v.ts() > horizon);
    }

    List<String> scan(KeySpan span, long ts, Direction direction, int limit) {
      TreeSet<Key> keys = new TreeSet<>();
      for (ModelVersion v : versions) {
        if (span.contains(v.key())) {
          keys.add(v.key());
        }
      }
      List<String> out = new ArrayList<>();
      for (Key k : direction == Direction.FORWARD ? keys : keys.descendingSet()) {
        Optional<ModelVersion> v = visible(k, ts);
        if (out.size() < limit && v.isPresent() && v.get().value() != null) {
          out.add(v.get().render());
        }
      }
      return out;
    }
  }

  private static Write toWrite(WriteSpec spec) {
    Key k = KEYS.get(spec.key());
    return spec.value() < 0
        ? Write.delete(k)
        : Write.put(k, ("v" + spec.value()).getBytes(StandardCharsets.UTF_8));
  }

  private static TxnId txnId(int n) {
    return new TxnId(n, 1000L + n);
  }

  private static Timestamp ts(long micros) {
    return Timestamp.ofMicros(micros);
  }

  private static String render(Version v) {
    return v.key() + "@" + v.commitTs().micros() + "=" + text(v.value());
  }

  private static String render(Intent i) {
    return i.key() + " " + i.txnId() + "@" + i.prepareTs() + "=" + text(i.value());
  }

  private static String text(byte[] value) {
    return value == null ? "⊥" : new String(value, StandardCharsets.UTF_8);
  }
}
