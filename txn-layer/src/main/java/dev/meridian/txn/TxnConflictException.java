package dev.meridian.txn;

import dev.meridian.storage.Key;
import java.util.Optional;

/**
 * Optimistic validation failed: another transaction wrote something this one read (a key or a key
 * inside a scanned span) after this one's read timestamp, or is committing a write to it right now.
 * Nothing of this transaction was applied; running it again may succeed.
 *
 * <p>{@link #key()} is the key the conflict is about, when there is one, and {@link #reason()} what
 * happened to it, so that the SQL layer can say both in SQL terms (which row of which table); the
 * message says them in key bytes.
 */
public final class TxnConflictException extends TxnException {

  private final Key key;
  private final String reason;

  public TxnConflictException(String message) {
    this(message, null, null);
  }

  /**
   * @param key the key the conflict is about, or null
   * @param reason what happened to it, as a clause: "was written by a transaction that committed at …"
   */
  public TxnConflictException(String message, Key key, String reason) {
    super(message);
    this.key = key;
    this.reason = reason;
  }

  public Optional<Key> key() {
    return Optional.ofNullable(key);
  }

  /** What happened to {@link #key()}; empty when there is no key. */
  public Optional<String> reason() {
    return key == null ? Optional.empty() : Optional.ofNullable(reason);
  }

  @Override
  public boolean isRetryable() {
    return true;
  }
}
