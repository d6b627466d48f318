package dev.meridian.paxos.types;

/** What a log entry carries. */
public enum EntryKind {
  /** A command for the state machine: the driver applies it. */
  COMMAND,
  /** Fills a gap found by a new leader; nothing to apply. */
  NOOP,
  /** A {@link ConfChange}; the replica applies it itself when it commits, the driver may ignore it. */
  CONF_CHANGE
}
