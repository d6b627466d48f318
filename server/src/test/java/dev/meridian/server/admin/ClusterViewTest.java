package dev.meridian.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.meridian.server.admin.ClusterView.Liveness;
import dev.meridian.server.admin.ClusterView.Node;
import dev.meridian.server.admin.ClusterView.Range;
import dev.meridian.server.admin.ClusterView.Replica;
import dev.meridian.server.admin.ClusterView.Snapshot;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cluster view's invariants, its JSON both ways, and the percentiles read from its histograms. */
class ClusterViewTest {

  static Node live(int id, String region) {
    LatencyHistogram statements = new LatencyHistogram(LatencyHistogram.STATEMENT_BOUNDS_SECONDS);
    statements.record(2_000_000);
    return new Node(id, region, region + "-a", Liveness.LIVE, true, "trusted", 1_000L + id, "1.2.3",
        "jdbc:meridian://h" + id + ":7070", "http://h" + id + ":7072/", 60_000L, null,
        new ClusterView.NodeStats(10, 7, 1, 2, 3, statements.snapshot(),
            new LatencyHistogram(LatencyHistogram.COMMIT_WAIT_BOUNDS_SECONDS).snapshot()), 1L);
  }

  /** Three regions, one node unreachable, one range with a leaseholder and one without. */
  static Snapshot threeRegions() {
    return new Snapshot(ClusterView.FORMAT_VERSION, "c-1", 1,
        List.of(live(1, "us-east"), live(2, "eu-west"),
            Node.unreachable(3, "ap-south", "ap-south-b", "http://h3:7072/", "connect timed out")),
        List.of(new Range(1, "", "8f", List.of(new Replica(1, "us-east", "voter"), new Replica(2, "eu-west", "voter"),
                new Replica(3, "ap-south", "learner")), 1, null, null),
            new Range(2, "8f", "", List.of(new Replica(2, "eu-west", "voter")), null, 1500L, null),
            Range.localTo(Node.unreachable(3, "ap-south", "ap-south-b", "http://h3:7072/", "connect timed out"))));
  }

  @Test
  void jsonRoundTripsAndNamesRegionsAndLiveness() throws Exception {
    String json = ClusterJson.write(threeRegions());
    assertThat(json).contains("\"liveness\":\"unreachable\"", "\"liveness\":\"live\"", "\"leaseholder\":null", "\"localTo\":3", "\"epoch\":1",
        "\"regions\":[{\"name\":\"ap-south\",\"nodeIds\":[3]},{\"name\":\"eu-west\",\"nodeIds\":[2]},"
            + "{\"name\":\"us-east\",\"nodeIds\":[1]}]");
    Snapshot back = ClusterJson.readSnapshot(json);
    assertThat(back.nodes()).extracting(Node::nodeId, Node::liveness)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(1, Liveness.LIVE),
            org.assertj.core.groups.Tuple.tuple(2, Liveness.LIVE),
            org.assertj.core.groups.Tuple.tuple(3, Liveness.UNREACHABLE));
    assertThat(back.ranges()).isEqualTo(threeRegions().ranges());
    assertThat(back.nodes().get(0).stats().statementSeconds().bucketCounts())
        .isEqualTo(threeRegions().nodes().get(0).stats().statementSeconds().bucketCounts());
    assertThat(ClusterJson.write(back)).isEqualTo(json);
  }

  @Test
  void aReplicaOrLeaseholderOnAnUnlistedNodeIsRefused() {
    assertThatThrownBy(() -> new Snapshot(1, "c", 1, List.of(live(1, "r")),
        List.of(new Range(1, "", "", List.of(new Replica(2, "r", "voter")), 1, null, null))))
        .hasMessageContaining("unlisted node 2");
    assertThatThrownBy(() -> new Snapshot(1, "c", 1, List.of(live(1, "r")),
        List.of(new Range(1, "", "", List.of(new Replica(1, "r", "voter")), 4, null, null))))
        .hasMessageContaining("unlisted leaseholder 4");
    assertThatThrownBy(() -> new Snapshot(1, "c", 1, List.of(live(1, "r")),
        List.of(new Range(1, "", "", List.of(new Replica(1, "r", "voter")), 1, null, 5))))
        .hasMessageContaining("local to unlisted node 5");
    assertThatThrownBy(() -> new Snapshot(1, "c", 1, List.of(live(1, "r"), live(1, "s")), List.of()))
        .hasMessageContaining("listed twice");
  }

  @Test
  void quantilesInterpolateInsideTheBucketOfTheSamplesSinceTheEarlierSnapshot() {
    LatencyHistogram histogram = new LatencyHistogram(new double[] {0.001, 0.01, 0.1});
    histogram.record(50_000_000); // 50 ms: before the window
    LatencyHistogram.Snapshot before = histogram.snapshot();
    for (int i = 0; i < 9; i++) {
      histogram.record(500_000); // 0.5 ms
    }
    histogram.record(5_000_000); // 5 ms
    LatencyHistogram.Snapshot after = histogram.snapshot();
    // 10 samples: ranks 1-9 in (0, 1 ms], rank 10 in (1 ms, 10 ms].
    assertThat(after.quantileSince(before, 0.5)).isCloseTo(0.001 * 5 / 9, within(1e-12));
    assertThat(after.quantileSince(before, 0.99)).isCloseTo(0.001 + 0.009 * 0.9, within(1e-12));
    assertThat(after.quantileSince(after, 0.5)).isNaN();
    histogram.record(60_000_000_000L); // a minute: above every bound
    assertThat(histogram.snapshot().quantileSince(after, 0.5)).isEqualTo(0.1);
  }

  @Test
  void histogramBoundsMustIncrease() {
    assertThatThrownBy(() -> new LatencyHistogram(new double[] {0.1, 0.1})).hasMessageContaining("strictly increase");
  }
}
