package dev.meridian.server;

import dev.meridian.server.admin.ClusterView;
import dev.meridian.server.admin.PeerClusterView;
import dev.meridian.txn.cluster.ClusterCore.MemberStatus;
import dev.meridian.txn.cluster.Member;
import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * The console's cluster view of a node with a cluster endpoint ({@code --port}): a {@link
 * PeerClusterView} over the formation's member list as the node's {@code ClusterCore} sees it (every
 * registered member with its region, zone, epoch and liveness), each peer's own facts from its
 * {@code /api/node}.
 *
 * <p>Ranges: the directory as the node's meta range lists it ({@code RangeNode#directoryView}).
 *
 * <p>Liveness mapping: the core's {@code SELF} and {@code LIVE} are live; {@code DEAD} (unheard here
 * past the liveness timeout, or its epoch ended because a majority did not hear it; the reason
 * says which) is dead; {@code UNKNOWN} (registered, never heard since this node started) is
 * suspect, since nothing has declared it dead.
 */
final class MembershipView {

  private MembershipView() {}

  /** The view's member for one of the core's member statuses, as node {@code selfId} sees it. */
  static PeerClusterView.Member member(MemberStatus status, int selfId) {
    Member m = status.member();
    String heard = status.heardAgoMicros() < 0 ? "never heard"
        : String.format(Locale.ROOT, "last heard %.1f s ago", status.heardAgoMicros() / 1e6);
    ClusterView.Liveness verdict;
    String reason;
    switch (status.liveness()) {
      case SELF, LIVE -> {
        verdict = ClusterView.Liveness.LIVE;
        reason = null;
      }
      case DEAD -> {
        verdict = ClusterView.Liveness.DEAD;
        reason = "declared dead by node " + selfId + "'s liveness (" + heard + ")" + (status.endedEpoch() >= m.epoch()
            ? "; its epoch " + status.endedEpoch() + " ended: more than half of the members did not hear it"
            : "; one node's view, which alone ends no epoch");
      }
      case UNKNOWN -> {
        verdict = ClusterView.Liveness.SUSPECT;
        reason = "registered, but not heard by node " + selfId + " since it started";
      }
      default -> throw new IllegalStateException("liveness " + status.liveness());
    }
    String admin = m.addresses().admin();
    return new PeerClusterView.Member(m.nodeId().value(), m.region(), m.zone(),
        admin.isEmpty() ? null : URI.create("http://" + admin + "/"), verdict, m.epoch(), reason);
  }

  static List<PeerClusterView.Member> members(List<MemberStatus> statuses, int selfId) {
    return statuses.stream().map(s -> member(s, selfId)).toList();
  }
}
