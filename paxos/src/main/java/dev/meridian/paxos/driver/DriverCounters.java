package dev.meridian.paxos.driver;

/** What a {@link PaxosDriver} has done since it started; mutated on its loop, copied for readers. */
public final class DriverCounters {
  long proposals;
  long proposalsRefused;
  long commandsApplied;
  long persists;
  long persistsRetriedBusy;
  long commitPointWritesOverlapped;
  long messagesSent;
  long messagesReceived;
  long messagesDropped;
  long heartbeatBatchesSent;
  long compactions;
  long commitRaisedOnRestart;
  long unhosted;
  long roleChanges;
  long snapshotsInstalled;
  long snapshotTransfersStarted;
  long snapshotTransfersCompleted;
  long snapshotTransfersRestarted;
  long snapshotTransfersAbandoned;
  long snapshotTransfersDeferred;
  long snapshotTransfersReceived;
  long snapshotChunksSent;
  long snapshotChunksResent;
  long snapshotChunksReceived;
  long snapshotBytesSent;
  long acceptsHeldForSnapshot;

  DriverCounters copy() {
    DriverCounters c = new DriverCounters();
    c.proposals = proposals;
    c.proposalsRefused = proposalsRefused;
    c.commandsApplied = commandsApplied;
    c.persists = persists;
    c.persistsRetriedBusy = persistsRetriedBusy;
    c.commitPointWritesOverlapped = commitPointWritesOverlapped;
    c.messagesSent = messagesSent;
    c.messagesReceived = messagesReceived;
    c.messagesDropped = messagesDropped;
    c.heartbeatBatchesSent = heartbeatBatchesSent;
    c.compactions = compactions;
    c.commitRaisedOnRestart = commitRaisedOnRestart;
    c.unhosted = unhosted;
    c.roleChanges = roleChanges;
    c.snapshotsInstalled = snapshotsInstalled;
    c.snapshotTransfersStarted = snapshotTransfersStarted;
    c.snapshotTransfersCompleted = snapshotTransfersCompleted;
    c.snapshotTransfersRestarted = snapshotTransfersRestarted;
    c.snapshotTransfersAbandoned = snapshotTransfersAbandoned;
    c.snapshotTransfersDeferred = snapshotTransfersDeferred;
    c.snapshotTransfersReceived = snapshotTransfersReceived;
    c.snapshotChunksSent = snapshotChunksSent;
    c.snapshotChunksResent = snapshotChunksResent;
    c.snapshotChunksReceived = snapshotChunksReceived;
    c.snapshotBytesSent = snapshotBytesSent;
    c.acceptsHeldForSnapshot = acceptsHeldForSnapshot;
    return c;
  }

  /** Proposals taken by a leader here. */
  public long proposals() {
    return proposals;
  }

  /** Proposals refused because too many of their group were in flight. */
  public long proposalsRefused() {
    return proposalsRefused;
  }

  public long commandsApplied() {
    return commandsApplied;
  }

  /** Synced writes requested (each may share a disk sync with others). */
  public long persists() {
    return persists;
  }

  public long persistsRetriedBusy() {
    return persistsRetriedBusy;
  }

  /** Writes of nothing but a new commit point, which did not hold back sending and applying. */
  public long commitPointWritesOverlapped() {
    return commitPointWritesOverlapped;
  }

  /** Envelopes sent, heartbeats counted one by one. */
  public long messagesSent() {
    return messagesSent;
  }

  public long messagesReceived() {
    return messagesReceived;
  }

  /** Envelopes for a group not hosted here, or for another node, or after a stop. */
  public long messagesDropped() {
    return messagesDropped;
  }

  public long heartbeatBatchesSent() {
    return heartbeatBatchesSent;
  }

  public long compactions() {
    return compactions;
  }

  /** Restarts whose durable state machine had applied past the durable commit point (raised to it). */
  public long commitRaisedOnRestart() {
    return commitRaisedOnRestart;
  }

  /** Groups unhosted. */
  public long unhosted() {
    return unhosted;
  }

  /** Leadership gained or lost, as reported to state machines. */
  public long roleChanges() {
    return roleChanges;
  }

  /** Snapshots installed into state machines (received, or re-installed on restart). */
  public long snapshotsInstalled() {
    return snapshotsInstalled;
  }

  /** Snapshot transfers this node began sending. */
  public long snapshotTransfersStarted() {
    return snapshotTransfersStarted;
  }

  /** Snapshot transfers the receiver acknowledged as done. */
  public long snapshotTransfersCompleted() {
    return snapshotTransfersCompleted;
  }

  /** Snapshot transfers started over because the receiver had lost them. */
  public long snapshotTransfersRestarted() {
    return snapshotTransfersRestarted;
  }

  /** Snapshot transfers given up, sending (no ack) or receiving (silent sender, or replaced). */
  public long snapshotTransfersAbandoned() {
    return snapshotTransfersAbandoned;
  }

  /** Snapshot requests not served at once: too many transfers out already. */
  public long snapshotTransfersDeferred() {
    return snapshotTransfersDeferred;
  }

  /** Snapshot transfers received in full and taken by the replica. */
  public long snapshotTransfersReceived() {
    return snapshotTransfersReceived;
  }

  /** Snapshot chunks sent, resends included. */
  public long snapshotChunksSent() {
    return snapshotChunksSent;
  }

  /** Snapshot chunks sent again after no ack. */
  public long snapshotChunksResent() {
    return snapshotChunksResent;
  }

  /** Snapshot chunks staged, in order. */
  public long snapshotChunksReceived() {
    return snapshotChunksReceived;
  }

  /** Snapshot data bytes sent, resends included. */
  public long snapshotBytesSent() {
    return snapshotBytesSent;
  }

  /** Accept batches not sent to a peer because a snapshot transfer to it was under way. */
  public long acceptsHeldForSnapshot() {
    return acceptsHeldForSnapshot;
  }
}
