package dev.meridian.paxos.replica;

import dev.meridian.paxos.types.Slot;
import dev.meridian.runtime.NodeId;

/** The answer to a proposal, a conf change or a leadership transfer. */
public sealed interface ProposeResult {

  /** Accepted by the leader for {@code slot}; chosen once it shows up as committed. */
  record Proposed(Slot slot) implements ProposeResult {}

  /** This replica is not the leader; {@code leaderHint} is the leader it last heard from, or null. */
  record NotLeader(NodeId leaderHint) implements ProposeResult {}

  /** The leader cannot take it yet (waiting out the old lease, recovering, transferring): retry. */
  record NotReady(String reason) implements ProposeResult {}

  /** The request can never succeed as asked. */
  record Rejected(String reason) implements ProposeResult {}

  /** For {@code transferLeadership}: the transfer started (completes when the target leads). */
  record TransferStarted(NodeId target) implements ProposeResult {}
}
