package dev.meridian.txn.coordinator;

/**
 * The bounds of one transaction's commit across ranges (DESIGN §11, Bounds), besides the write
 * buffer of {@link dev.meridian.txn.TxnLimits}. Each is counted in {@link CoordinatorCounters}.
 *
 * @param maxReadSetBytes the read set handed to commit: key bytes plus {@link
 *     #READ_ENTRY_OVERHEAD_BYTES} per read key, start and end bytes plus the same per scanned span.
 *     Every byte of it travels to the participants and becomes read intents they hold until
 *     resolved; 8 MiB takes 100,000s of point reads. Past it the commit fails with SQLSTATE 54000
 *     before anything is sent.
 * @param maxParticipants ranges one transaction may touch (writes and reads). Each is a prepare, a
 *     resolve and intents held in another group; 64 covers a transaction over every table of a
 *     schema, and a bigger one should not hold intents in that many groups. Past it: 54000.
 * @param maxResolvesInFlight resolve requests one coordinator has outstanding at once; the others
 *     wait for a slot, so a wide transaction does not flood the node's outbound queue.
 * @param maxResolveAttempts sends of one resolve before the coordinator gives up on it; the
 *     participant's own recovery ({@code StuckPrepareRecovery}) then finishes it. Counted as
 *     abandoned.
 * @param maxTxnDurationMicros from the read timestamp to the transaction's deadline: the coordinator
 *     gives up (40001 before a commit decision was proposed, 40003 after) at {@code readTs +
 *     maxTxnDurationMicros}, and a participant asks the coordinator range to abort only after
 *     {@code prepareTs + maxTxnDurationMicros}, which is later because {@code prepareTs > readTs}.
 *     30 s: far above any healthy commit, short enough that a crashed gateway's intents go away.
 */
public record CoordinatorLimits(
    long maxReadSetBytes,
    int maxParticipants,
    int maxResolvesInFlight,
    int maxResolveAttempts,
    long maxTxnDurationMicros) {

  /** What one read key or span costs besides its bytes (objects and the intent it becomes). */
  public static final int READ_ENTRY_OVERHEAD_BYTES = 32;

  public CoordinatorLimits {
    if (maxReadSetBytes <= 0 || maxParticipants <= 0 || maxResolvesInFlight <= 0
        || maxResolveAttempts <= 0 || maxTxnDurationMicros <= 0) {
      throw new IllegalArgumentException("coordinator limits must be positive: " + maxReadSetBytes
          + " " + maxParticipants + " " + maxResolvesInFlight + " " + maxResolveAttempts + " "
          + maxTxnDurationMicros);
    }
  }

  public static CoordinatorLimits defaults() {
    return new CoordinatorLimits(8L << 20, 64, 16, 100, 30_000_000L);
  }
}
