package dev.meridian.storage.rocks;

/**
 * The column families that {@link RocksMvccEngine} stores for another module without interpreting
 * them: their keys and values are opaque bytes here, and their layouts are documented by the module
 * that owns them (the paxos module's {@code RocksPaxosStorage}).
 */
public enum RawFamily {
  /** Accepted Paxos log entries of every group on the node. */
  PAXOS_LOG(RocksMvccEngine.CF_PAXOS_LOG),
  /** Durable acceptor state (hard state, snapshot) of every group on the node. */
  PAXOS_STATE(RocksMvccEngine.CF_PAXOS_STATE);

  private final String columnFamily;

  RawFamily(String columnFamily) {
    this.columnFamily = columnFamily;
  }

  /** The RocksDB column family's name. */
  public String columnFamily() {
    return columnFamily;
  }
}
