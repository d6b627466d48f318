package dev.meridian.txn.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.runtime.NodeId;
import dev.meridian.storage.Key;
import dev.meridian.txn.directory.MetaLookups.Answer;
import dev.meridian.txn.directory.MetaLookups.MetaEntry;
import dev.meridian.txn.directory.MetaLookups.Outcome;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import dev.meridian.txn.types.ReplicaDescriptor;
import dev.meridian.txn.types.ReplicaRole;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Answers the lookup core must refuse whole: nothing of them may reach the cache. */
class MetaLookupsTest {

  private static final List<ReplicaDescriptor> REPLICAS = List.of(
      new ReplicaDescriptor(new NodeId(4), "eu", ReplicaRole.NON_VOTER),
      new ReplicaDescriptor(new NodeId(2), "us", ReplicaRole.VOTER));
  private final List<RangeDescriptor> bootstrap = ClusterKeySpace.bootstrap(REPLICAS);
  private final RangeCache cache = new RangeCache(bootstrap.getFirst(), DirectoryLimits.defaults());
  private final MetaLookups lookups = new MetaLookups(cache, DirectoryLimits.defaults());

  private static MetaEntry entry(RangeDescriptor descriptor) {
    MetaLayout.MetaWrite write = MetaLayout.entry(descriptor);
    return new MetaEntry(write.key(), write.value());
  }

  private long miss(Key key) {
    Outcome outcome = lookups.lookup(key);
    assertThat(outcome).isInstanceOf(Outcome.Pending.class);
    return ((Outcome.Pending) outcome).requestId();
  }

  @Test
  void sendsToTheFirstVoterThenToTheLeaseholderHint() {
    Outcome.Pending first = (Outcome.Pending) lookups.lookup(Key.utf8("\u0010"));
    assertThat(first.send().target()).isEqualTo(new NodeId(2));
    assertThat(first.send().range()).isEqualTo(RangeId.META);
    assertThat(first.send().start()).isEqualTo(MetaLayout.lookupScanStart(Key.utf8("\u0010")));
    assertThat(first.send().end()).isEqualTo(MetaLayout.ENTRIES.end());
    assertThat(first.send().maxEntries()).isEqualTo(1 + DirectoryLimits.defaults().lookupPrefetch());
    cache.apply(new RoutingError.NotLeaseholder(RangeId.META, 0, new NodeId(4)));
    Outcome.Pending second = (Outcome.Pending) lookups.lookup(Key.utf8("\u0011"));
    assertThat(second.send().target()).isEqualTo(new NodeId(4));
  }

  @Test
  void anAnswerThatDoesNotHoldTheKeyIsRefusedAndNothingIsCached() {
    long id = miss(Key.utf8("\u0011"));
    // The system range's entry: ends at 0x10, below the key.
    Answer answer = lookups.onScanResult(id, List.of(entry(bootstrap.get(1)), entry(bootstrap.get(2))));
    assertThat(answer).isInstanceOf(Answer.Failed.class);
    assertThat(cache.snapshot()).hasSize(1);
    assertThat(lookups.stats().failed()).isEqualTo(1);
    assertThat(lookups.stats().inFlight()).isZero();
  }

  @Test
  void corruptOutOfOrderOrOversizedAnswersAreRefusedWhole() {
    long corrupt = miss(Key.utf8("\u0011"));
    MetaEntry good = entry(bootstrap.get(2));
    byte[] damaged = good.value().clone();
    damaged[0] = 9;
    assertThat(lookups.onScanResult(corrupt, List.of(good, new MetaEntry(Key.utf8("\u0000m\u0003"), damaged))))
        .isInstanceOf(Answer.Failed.class);

    long disorder = miss(Key.utf8("\u0001"));
    assertThat(lookups.onScanResult(disorder, List.of(entry(bootstrap.get(2)), entry(bootstrap.get(1)))))
        .isInstanceOf(Answer.Failed.class);

    long misfiled = miss(Key.utf8("\u0001"));
    MetaEntry wrongKey = new MetaEntry(MetaLayout.entryKey(Key.utf8("\u0005")), entry(bootstrap.get(1)).value());
    assertThat(lookups.onScanResult(misfiled, List.of(wrongKey))).isInstanceOf(Answer.Failed.class);

    DirectoryLimits noPrefetch = new DirectoryLimits(8192, 32, 255, 10, 0, 4);
    MetaLookups strict = new MetaLookups(cache, noPrefetch);
    long oversized = ((Outcome.Pending) strict.lookup(Key.utf8("\u0001"))).requestId();
    assertThat(strict.onScanResult(oversized, List.of(entry(bootstrap.get(1)), entry(bootstrap.get(2)))))
        .isInstanceOf(Answer.Failed.class);

    assertThat(cache.snapshot()).hasSize(1);
    assertThat(lookups.stats().corrupt()).isEqualTo(3);
    assertThat(strict.stats().corrupt()).isEqualTo(1);
  }

  @Test
  void aGoodAnswerIsCachedAndALateDuplicateChangesNothing() {
    long id = miss(Key.utf8("\u0001"));
    Answer answer = lookups.onScanResult(id, List.of(entry(bootstrap.get(1)), entry(bootstrap.get(2))));
    assertThat(answer).isEqualTo(new Answer.Found(new RangeCache.CachedRange(bootstrap.get(1), null)));
    assertThat(cache.lookup(Key.utf8("\u0010")).orElseThrow().descriptor()).isEqualTo(bootstrap.get(2));
    assertThat(lookups.onScanResult(id, List.of())).isInstanceOf(Answer.Failed.class);
    assertThat(lookups.lookup(Key.utf8("\u0001"))).isInstanceOf(Outcome.Found.class);
  }

  @Test
  void aReverseLookupBelowTheEmptyKeyIsAnError() {
    assertThatThrownBy(() -> lookups.lookupBefore(Key.EMPTY)).isInstanceOf(IllegalArgumentException.class);
    Outcome.Pending last = (Outcome.Pending) lookups.lookupBefore(null);
    assertThat(last.send().start()).isEqualTo(MetaLayout.END_OF_KEY_SPACE);
  }
}
