package dev.meridian.storage;

/**
 * The identity of a transaction: the node that coordinates it and a sequence number unique on that
 * node across restarts. Stored with intents so a recovering replica knows whom to ask about them.
 */
public record TxnId(int coordinatorNode, long sequence) {

  @Override
  public String toString() {
    return "txn-" + coordinatorNode + "-" + sequence;
  }
}
