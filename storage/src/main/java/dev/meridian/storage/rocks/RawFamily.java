package dev.meridian.storage.rocks;

/**
 * The column families that {@link RocksMvccEngine} stores for another module without interpreting
 * them: their keys and values are opaque bytes here, and their layouts are documented by the module
 * that owns them (the paxos module's {@code RocksPaxosStorage}, and each state machine for its keys).
 */
public enum RawFamily {
  /** Accepted Paxos log entries of every group on the node. */
  PAXOS_LOG(RocksMvccEngine.CF_PAXOS_LOG),
  /** Durable acceptor state (hard state, snapshot) of every group on the node. */
  PAXOS_STATE(RocksMvccEngine.CF_PAXOS_STATE),
  /**
   * Data of replicated state machines that keep raw keys rather than MVCC versions (their applied
   * slot, snapshot staging): written unsynced with {@link RocksMvccEngine#writeRawUnsynced}.
   */
  STATE_MACHINE(RocksMvccEngine.CF_STATE_MACHINE);

  private final String columnFamily;

  RawFamily(String columnFamily) {
    this.columnFamily = columnFamily;
  }

  /** The RocksDB column family's name. */
  public String columnFamily() {
    return columnFamily;
  }
}
