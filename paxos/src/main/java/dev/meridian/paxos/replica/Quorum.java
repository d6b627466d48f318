package dev.meridian.paxos.replica;

import dev.meridian.paxos.types.Membership;
import dev.meridian.runtime.NodeId;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * Quorum arithmetic, pure. While a membership change is in the log but not yet committed, a decision
 * needs a majority in <i>every</i> membership that may be in force (the committed one and each
 * pending one); consecutive memberships differ by one voter, so this is never more than one extra
 * node.
 */
public final class Quorum {

  private Quorum() {}

  /**
   * The largest value {@code v} such that a majority of the voters of every membership in {@code
   * configs} have {@code valueOf(voter) >= v}: e.g. the highest slot accepted by a quorum, or the
   * lease end granted by a quorum. Long.MIN_VALUE if a membership has no voters.
   */
  public static long quorumValue(List<Membership> configs, ToLongFunction<NodeId> valueOf) {
    long result = Long.MAX_VALUE;
    for (Membership config : configs) {
      List<NodeId> voters = config.voters();
      if (voters.isEmpty()) {
        return Long.MIN_VALUE;
      }
      long[] values = new long[voters.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = valueOf.applyAsLong(voters.get(i));
      }
      Arrays.sort(values);
      // The quorum()-th largest value.
      result = Math.min(result, values[values.length - config.quorum()]);
    }
    return result;
  }

  /** Whether {@code nodes} hold a majority of the voters of every membership in {@code configs}. */
  public static boolean isQuorum(List<Membership> configs, Set<NodeId> nodes) {
    return quorumValue(configs, n -> nodes.contains(n) ? 1 : 0) >= 1;
  }
}
