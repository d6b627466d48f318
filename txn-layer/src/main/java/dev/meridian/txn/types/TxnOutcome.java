package dev.meridian.txn.types;

/** How a transaction ended, as its transaction record and the participants' resolve commands say. */
public enum TxnOutcome {
  COMMITTED,
  ABORTED
}
