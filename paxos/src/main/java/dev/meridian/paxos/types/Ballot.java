package dev.meridian.paxos.types;

import dev.meridian.runtime.NodeId;

/**
 * A Paxos ballot {@code (round, node)}: ordered by round, ties broken by node id, so two nodes never
 * pick the same ballot. {@link #ZERO} sorts below every real ballot and is what a fresh acceptor has
 * promised.
 */
public record Ballot(long round, int nodeId) implements Comparable<Ballot> {

  public static final Ballot ZERO = new Ballot(0, 0);

  public Ballot {
    if (round < 0 || nodeId < 0 || (round == 0) != (nodeId == 0)) {
      throw new IllegalArgumentException("bad ballot (" + round + ", " + nodeId + ")");
    }
  }

  public static Ballot of(long round, NodeId node) {
    return new Ballot(round, node.value());
  }

  /** The node that owns this ballot; null for {@link #ZERO}. */
  public NodeId node() {
    return nodeId == 0 ? null : new NodeId(nodeId);
  }

  public boolean isZero() {
    return round == 0;
  }

  public boolean isAbove(Ballot other) {
    return compareTo(other) > 0;
  }

  public boolean isBelow(Ballot other) {
    return compareTo(other) < 0;
  }

  @Override
  public int compareTo(Ballot other) {
    int byRound = Long.compare(round, other.round);
    return byRound != 0 ? byRound : Integer.compare(nodeId, other.nodeId);
  }

  @Override
  public String toString() {
    return isZero() ? "(0)" : "(" + round + ",n" + nodeId + ")";
  }
}
