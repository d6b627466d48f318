package dev.meridian.paxos.types;

import dev.meridian.runtime.NodeId;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The voters and learners of a group. Invariant: the two sets are disjoint. Changes go one voter at a
 * time ({@link ConfChange}), so any majority of a configuration intersects any majority of the next.
 */
public record Membership(List<NodeId> voters, List<NodeId> learners) {

  public static final Membership EMPTY = new Membership(List.of(), List.of());

  public Membership {
    voters = List.copyOf(new TreeSet<>(voters));
    learners = List.copyOf(new TreeSet<>(learners));
    for (NodeId learner : learners) {
      if (voters.contains(learner)) {
        throw new IllegalArgumentException(learner + " is both voter and learner");
      }
    }
  }

  public static Membership ofVoters(NodeId... voters) {
    return new Membership(List.of(voters), List.of());
  }

  public boolean isVoter(NodeId node) {
    return voters.contains(node);
  }

  public boolean isLearner(NodeId node) {
    return learners.contains(node);
  }

  public boolean contains(NodeId node) {
    return isVoter(node) || isLearner(node);
  }

  /** Voters and learners. */
  public List<NodeId> members() {
    List<NodeId> all = new ArrayList<>(voters);
    all.addAll(learners);
    return all;
  }

  /** Size of a majority of the voters. */
  public int quorum() {
    return voters.size() / 2 + 1;
  }

  /** The membership after {@code change}; throws if the change does not fit this membership. */
  public Membership apply(ConfChange change) {
    List<NodeId> newVoters = new ArrayList<>(voters);
    List<NodeId> newLearners = new ArrayList<>(learners);
    NodeId node = change.node();
    switch (change.type()) {
      case ADD_LEARNER -> {
        require(!contains(node), node + " is already a member");
        newLearners.add(node);
      }
      case PROMOTE -> {
        require(isLearner(node), node + " is not a learner");
        newLearners.remove(node);
        newVoters.add(node);
      }
      case REMOVE_VOTER -> {
        require(isVoter(node), node + " is not a voter");
        require(voters.size() > 1, "cannot remove the last voter");
        newVoters.remove(node);
      }
    }
    return new Membership(newVoters, newLearners);
  }

  /** Why {@code change} cannot apply, or null if it can. */
  public String rejects(ConfChange change) {
    try {
      apply(change);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  @Override
  public String toString() {
    return "voters=" + voters + (learners.isEmpty() ? "" : " learners=" + learners);
  }
}
