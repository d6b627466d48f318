package dev.meridian.txn.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.runtime.NodeId;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.Timestamp;
import dev.meridian.storage.mvcc.Version;
import dev.meridian.txn.ReadWriteTxn;
import dev.meridian.txn.TxnLimits;
import dev.meridian.txn.coordinator.CoordinatorLimits;
import dev.meridian.txn.coordinator.message.Refresh;
import dev.meridian.txn.directory.ClusterKeySpace;
import dev.meridian.txn.directory.DirectoryLimits;
import dev.meridian.txn.directory.MetaLayout;
import dev.meridian.txn.directory.MetaLookups;
import dev.meridian.txn.directory.RangeCache;
import dev.meridian.txn.gateway.Gateway;
import dev.meridian.txn.gateway.GatewayLimits;
import dev.meridian.txn.gateway.GatewayTxnClient;
import dev.meridian.txn.gateway.RangeChannel;
import dev.meridian.txn.gateway.RangeSplitter;
import dev.meridian.txn.range.state.RangeSnapshots;
import dev.meridian.txn.range.state.RangeStateMachine;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import dev.meridian.txn.types.ReplicaDescriptor;
import dev.meridian.txn.types.ReplicaRole;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The directory in the meta range and splits, on three nodes' Paxos drivers: a gateway that knows
 * only the meta range finds the others through it; a split through {@link RangeSplitter} hosts the
 * right range as a new group on every replica, files both halves in the meta range, keeps the data,
 * and starts the right range's lease above what the left served over its keys; a restarted node
 * hosts the range the split created again.
 */
class SplitTest {

  private static final List<ReplicaDescriptor> REPLICAS = List.of(
      new ReplicaDescriptor(new NodeId(1), "r1", ReplicaRole.VOTER),
      new ReplicaDescriptor(new NodeId(2), "r2", ReplicaRole.VOTER),
      new ReplicaDescriptor(new NodeId(3), "r3", ReplicaRole.VOTER));
  /** The meta range holds every key below "a", the next-range-id key (0x01 'D' 'N') among them. */
  private static final RangeDescriptor META =
      new RangeDescriptor(RangeId.META, new KeySpan(Key.EMPTY, Key.utf8("a")), REPLICAS, 0);
  private static final RangeDescriptor A = new RangeDescriptor(new RangeId(2), new KeySpan(Key.utf8("a"), Key.utf8("m")), REPLICAS, 0);
  private static final RangeDescriptor B = new RangeDescriptor(new RangeId(3), new KeySpan(Key.utf8("m"), null), REPLICAS, 0);
  private static final List<RangeDescriptor> LAYOUT = List.of(META, A, B);

  private final HostCluster cluster = new HostCluster(3, LAYOUT,
      Map.of(RangeId.META, MetaLayout.bootstrapEntries(LAYOUT)));

  private <T> T await(java.util.function.Supplier<CompletableFuture<T>> start) {
    List<CompletableFuture<T>> started = new ArrayList<>();
    cluster.loop.execute(() -> started.add(start.get()));
    assertThat(cluster.runUntil(() -> !started.isEmpty() && started.getFirst().isDone(), 20_000))
        .as("finished within 20 simulated seconds").isTrue();
    return started.getFirst().join();
  }

  private void put(GatewayTxnClient client, String key, String value) {
    await(() -> {
      ReadWriteTxn txn = client.beginReadWrite();
      txn.put(Key.utf8(key), value.getBytes(StandardCharsets.UTF_8));
      return txn.commit();
    });
  }

  private Optional<Version> read(GatewayTxnClient client, String key) {
    Gateway gateway = gatewayOf(client);
    return await(() -> gateway.get(Key.utf8(key), Timestamp.ofMicros(cluster.trueTime.now().latestMicros())));
  }

  private final Map<GatewayTxnClient, Gateway> gateways = new java.util.HashMap<>();

  /** A gateway on node {@code node} seeded with the meta range's descriptor only. */
  private GatewayTxnClient gatewayWithHandle(int node) {
    RangeCache cache = new RangeCache(META, DirectoryLimits.defaults());
    Gateway gateway = new Gateway(cache, new MetaLookups(cache, DirectoryLimits.defaults()),
        new dev.meridian.txn.wire.RpcRangeChannel(cluster.endpoints[node], cluster.loop), cluster.loop,
        cluster.trueTime, GatewayLimits.defaults());
    GatewayTxnClient client = new GatewayTxnClient(node, gateway, TxnLimits.defaults(), CoordinatorLimits.defaults());
    gateways.put(client, gateway);
    return client;
  }

  private Gateway gatewayOf(GatewayTxnClient client) {
    return gateways.get(client);
  }

  private void waitForLeases() {
    for (RangeDescriptor range : LAYOUT) {
      assertThat(cluster.runUntil(() -> cluster.leaseholder(range.id()) != 0, 20_000)).as("a leaseholder of " + range)
          .isTrue();
    }
  }

  @Test
  void aGatewayThatKnowsOnlyTheMetaRangeFindsEveryRangeThroughIt() {
    waitForLeases();
    GatewayTxnClient client = gatewayWithHandle(2);
    put(client, "b", "in A");
    put(client, "q", "in B");
    assertThat(read(client, "b")).map(v -> new String(v.value(), StandardCharsets.UTF_8)).contains("in A");
    Gateway gateway = gatewayOf(client);
    assertThat(gateway.cache().lookup(A.id())).map(RangeCache.CachedRange::descriptor).contains(A);
    // By id only (a coordinator range): the whole directory is read.
    GatewayTxnClient other = gatewayWithHandle(3);
    await(() -> gatewayOf(other).refresh(new Refresh.MissingRange(B.id())));
    assertThat(gatewayOf(other).cache().lookup(B.id())).map(RangeCache.CachedRange::descriptor).contains(B);
  }

  @Test
  void aSplitHostsTheRightRangeEverywhereFilesTheDirectoryAndKeepsTheData() {
    waitForLeases();
    GatewayTxnClient client = gatewayWithHandle(1);
    put(client, "c", "left");
    put(client, "k", "right");
    RangeSplitter splitter = new RangeSplitter(client, gatewayOf(client), ClusterKeySpace.nextRangeIdKey(),
        ClusterKeySpace.FIRST_ALLOCATED_RANGE_ID, 8);
    RangeChannel.SplitResult done = await(() -> splitter.split(Key.utf8("h")));
    RangeId right = new RangeId(ClusterKeySpace.FIRST_ALLOCATED_RANGE_ID);
    assertThat(done.left()).isEqualTo(new RangeDescriptor(A.id(), new KeySpan(Key.utf8("a"), Key.utf8("h")), REPLICAS, 1));
    assertThat(done.right()).isEqualTo(new RangeDescriptor(right, new KeySpan(Key.utf8("h"), Key.utf8("m")), REPLICAS, 1));

    // Every replica hosts the new range, and all agree on both descriptors and on the right's state.
    assertThat(cluster.runUntil(() -> converged(right), 20_000)).as("the new range converged on every node").isTrue();
    for (int i = 1; i <= 3; i++) {
      assertThat(cluster.servers[i].replica(A.id()).machine().machine().descriptor()).isEqualTo(done.left());
      assertThat(cluster.servers[i].replica(right).machine().machine().descriptor()).isEqualTo(done.right());
    }

    // The meta range files exactly the four ranges, covering the key space.
    GatewayTxnClient fresh = gatewayWithHandle(3);
    List<RangeDescriptor> directory = await(() -> gatewayOf(fresh).refreshDirectory());
    assertThat(directory).containsExactly(META, done.left(), done.right(), B);

    // A gateway that knew only the meta range reads both sides; the old gateway re-routes.
    assertThat(read(fresh, "k")).map(v -> new String(v.value(), StandardCharsets.UTF_8)).contains("right");
    assertThat(read(fresh, "c")).map(v -> new String(v.value(), StandardCharsets.UTF_8)).contains("left");
    put(client, "j", "after");
    assertThat(read(fresh, "j")).map(v -> new String(v.value(), StandardCharsets.UTF_8)).contains("after");

    // The next split takes the next id; the system key holds it.
    RangeChannel.SplitResult second = await(() -> splitter.split(Key.utf8("e")));
    assertThat(second.right().id()).isEqualTo(new RangeId(ClusterKeySpace.FIRST_ALLOCATED_RANGE_ID + 1));
  }

  @Test
  void theRightRangesFirstLeaseStartsAboveWhatTheLeftServedOverItsKeys() {
    waitForLeases();
    GatewayTxnClient client = gatewayWithHandle(1);
    put(client, "k", "v");
    Optional<Version> seen = read(client, "k");
    assertThat(seen).isPresent();
    int leftHolder = cluster.leaseholder(A.id());
    Timestamp watermark = cluster.servers[leftHolder].replica(A.id()).stats().orElseThrow().readWatermark();
    RangeSplitter splitter = new RangeSplitter(client, gatewayOf(client), ClusterKeySpace.nextRangeIdKey(),
        ClusterKeySpace.FIRST_ALLOCATED_RANGE_ID, 8);
    RangeChannel.SplitResult done = await(() -> splitter.split(Key.utf8("h")));
    RangeId right = done.right().id();
    for (int i = 1; i <= 3; i++) {
      // Stored by the split on every replica: the floor the new group's first LeaseStart starts at or above.
      RangeStateMachine machine = RangeStateMachine.open(cluster.stores[i], right);
      assertThat(machine.meta().leaseFloor()).as("n%d's right-hand lease floor", i).isGreaterThanOrEqualTo(watermark);
    }
    assertThat(cluster.runUntil(() -> cluster.leaseholder(right) != 0, 20_000)).isTrue();
    var stats = cluster.servers[cluster.leaseholder(right)].replica(right).stats().orElseThrow();
    assertThat(stats.floor()).isGreaterThanOrEqualTo(watermark);
    // And its first write lands above the read the left served, which stays repeatable.
    put(client, "k", "w");
    assertThat(await(() -> gatewayOf(client).get(Key.utf8("k"), watermark)).map(Version::commitTs))
        .contains(seen.get().commitTs());
  }

  @Test
  void aRestartedNodeHostsTheRangeASplitCreated() {
    waitForLeases();
    GatewayTxnClient client = gatewayWithHandle(1);
    put(client, "k", "v");
    RangeSplitter splitter = new RangeSplitter(client, gatewayOf(client), ClusterKeySpace.nextRangeIdKey(),
        ClusterKeySpace.FIRST_ALLOCATED_RANGE_ID, 8);
    RangeId right = await(() -> splitter.split(Key.utf8("h"))).right().id();
    assertThat(cluster.runUntil(() -> converged(right), 20_000)).isTrue();
    cluster.restart(2);
    assertThat(cluster.servers[2].replica(right)).as("hosted again from the store").isNotNull();
    assertThat(cluster.runUntil(() -> converged(right), 20_000)).isTrue();
    assertThat(read(gatewayWithHandle(2), "k")).map(v -> new String(v.value(), StandardCharsets.UTF_8)).contains("v");
  }

  @Test
  void whenTheSplittingGatewayNeverFilesTheHalvesTheirLeaseholdersDo() {
    waitForLeases();
    GatewayTxnClient client = gatewayWithHandle(1);
    Gateway gateway = gatewayOf(client);
    // Step 2 of a split alone (sent until it reaches the leaseholder): the gateway "dies" before it
    // files the halves.
    Object answer = null;
    for (int attempt = 0; attempt < 3 && !(answer instanceof dev.meridian.txn.gateway.ChannelAnswer.Replied<?>); attempt++) {
      RangeCache.CachedRange a = await(() -> gateway.locate(Key.utf8("b")));
      answer = await(() -> gateway.sendSplit(a, Key.utf8("h"), new RangeId(7)));
    }
    assertThat(answer).isInstanceOf(dev.meridian.txn.gateway.ChannelAnswer.Replied.class);
    GatewayTxnClient fresh = gatewayWithHandle(2);
    assertThat(await(() -> gatewayOf(fresh).refreshDirectory())).as("not filed yet").contains(A);
    List<DirectoryRepair> repairs = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      GatewayTxnClient own = gatewayWithHandle(i);
      RangeSplitter splitter = new RangeSplitter(own, gatewayOf(own), ClusterKeySpace.nextRangeIdKey(),
          ClusterKeySpace.FIRST_ALLOCATED_RANGE_ID, 8);
      DirectoryRepair repair = new DirectoryRepair(cluster.servers[i], splitter, cluster.loop, 50_000_000L);
      repairs.add(repair);
      cluster.loop.execute(repair::start);
    }
    RangeDescriptor left = new RangeDescriptor(A.id(), new KeySpan(Key.utf8("a"), Key.utf8("h")), REPLICAS, 1);
    RangeDescriptor right = new RangeDescriptor(new RangeId(7), new KeySpan(Key.utf8("h"), Key.utf8("m")), REPLICAS, 1);
    List<List<RangeDescriptor>> seen = new ArrayList<>();
    assertThat(cluster.runUntil(() -> {
      if (seen.isEmpty() || !seen.getLast().equals(List.of(META, left, right, B))) {
        cluster.loop.execute(() -> gatewayOf(fresh).refreshDirectory().thenAccept(seen::add));
        cluster.runFor(20);
      }
      return !seen.isEmpty() && seen.getLast().equals(List.of(META, left, right, B));
    }, 10_000)).as("the halves' leaseholders filed them").isTrue();
    assertThat(repairs.stream().mapToLong(DirectoryRepair::written).sum()).isEqualTo(2);
  }

  /** Every node hosts {@code range} at the same applied slot with the same state. */
  private boolean converged(RangeId range) {
    String fingerprint = null;
    long slot = -1;
    for (int i = 1; i <= 3; i++) {
      LeaseholderHost host = cluster.servers[i].replica(range);
      if (host == null) {
        return false;
      }
      RangeStateMachine machine = host.machine().machine();
      String mine = RangeSnapshots.fingerprint(machine);
      if (fingerprint != null && (!fingerprint.equals(mine) || slot != machine.appliedSlot())) {
        return false;
      }
      fingerprint = mine;
      slot = machine.appliedSlot();
    }
    return slot > 0;
  }
}
