package dev.meridian.paxos.replica;

import dev.meridian.paxos.types.Ballot;
import dev.meridian.paxos.types.Membership;
import dev.meridian.paxos.types.Slot;
import dev.meridian.runtime.NodeId;

/** A read-only view of a replica, for tests, metrics and the console. */
public record Status(
    NodeId self,
    Role role,
    Ballot promised,
    NodeId leaderHint,
    boolean active,
    Slot commit,
    Slot applied,
    Slot lastSlot,
    Slot snapshotSlot,
    long leaseEndMicros,
    Membership membership) {}
