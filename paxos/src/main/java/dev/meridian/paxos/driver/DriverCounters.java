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
}
