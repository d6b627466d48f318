package dev.meridian.sql.exec;

import dev.meridian.sql.catalog.DescriptorCodec;
import dev.meridian.sql.catalog.DescriptorCodec.SequenceValue;
import dev.meridian.sql.catalog.KeySpace;
import dev.meridian.sql.catalog.Sequence;
import dev.meridian.txn.TransactionClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.calcite.DataContext;

/**
 * One node's cached sequence values: {@code NEXT VALUE FOR s} and {@code nextval('s')} (and the
 * identity columns they feed) draw from a block of values this node reserved, and only when the
 * block is used up does the node reserve the next one.
 *
 * <h2>The scheme: cached blocks, as CockroachDB's cached sequences</h2>
 * A sequence's stored value ({@link KeySpace#sequenceValue}) is the next value that no node has
 * reserved. To reserve a block, a node runs a read-write transaction of its own that reads the
 * stored value, writes it advanced by {@code CACHE × INCREMENT} (clipped at MINVALUE/MAXVALUE,
 * see {@link SequenceBlock}), and commits; then it hands the block's values out from memory, to any
 * of its sessions, under a per-sequence lock. Two nodes that reserve at once read the same stored
 * value, and OCC lets only one of them commit (the other fails validation with a conflict and
 * retries on the new value), so blocks never overlap and a value is never handed out twice in the
 * cluster — nothing here knows or needs a node id (DESIGN §11). The cost is one small transaction
 * per {@code CACHE} values (default {@link #DEFAULT_CACHE}) instead of one per value.
 *
 * <p>As in PostgreSQL and CockroachDB, sequences are not transactional: the reservation commits on
 * its own, so a value drawn by a transaction that rolls back is gone, and values are unique but
 * neither gap-free nor ordered across nodes (each node counts up its own block; a block a node
 * had not used up when it stopped is lost). The statement's own transaction never reads the stored
 * value, so sessions drawing values do not conflict with each other.
 *
 * <h2>The road not taken: bit-reversed sequences (Spanner)</h2>
 * Spanner's bit-reversed positive sequences hand out values whose bits are reversed, so that
 * consecutive keys land far apart and inserts do not pile onto the last range of a table. That
 * solves hot spots, not allocation: Spanner still allocates the underlying counter in batches per
 * server, and the values it gives are huge and unordered, which surprises applications (and
 * Hibernate's pooled optimizers) that expect {@code START WITH 1 INCREMENT BY 1} to count 1, 2, 3.
 * Meridian's ranges are not split by load yet, so the hot spot is not the problem today; plain
 * blocks keep the values PostgreSQL users expect. A bit-reversed kind can be added as a sequence
 * option later without changing how blocks are reserved.
 *
 * <p>Thread-safe. Blocks are kept for at most {@link #MAX_CACHED_SEQUENCES} sequences (least
 * recently used first out; a dropped block only loses its unused values).
 */
public final class SequenceCache {

  /** Values a node reserves at a time when the sequence does not say (CACHE): one reservation per 100 values. */
  public static final long DEFAULT_CACHE = 100;

  /** Sequences whose blocks one node keeps in memory. */
  static final int MAX_CACHED_SEQUENCES = 4096;

  /** A reservation that keeps conflicting with other nodes' is retried this many times, then 40001. */
  static final int RESERVE_ATTEMPTS = 20;

  private final TransactionClient client;
  private final Map<Long, Block> blocks = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, Block> eldest) {
      return size() > MAX_CACHED_SEQUENCES;
    }
  };
  private long reservations;

  public SequenceCache(TransactionClient client) {
    this.client = client;
  }

  /** The values of one reserved block not handed out yet. */
  private static final class Block {
    long next;
    long remaining;
  }

  /** The next value of {@code sequence} for a statement running under {@code guard}. */
  public long next(Sequence sequence, StatementGuard guard) {
    Block block;
    synchronized (blocks) {
      block = blocks.computeIfAbsent(sequence.id(), id -> new Block());
    }
    synchronized (block) {
      if (block.remaining == 0) {
        SequenceBlock reserved = reserve(sequence, guard);
        block.next = reserved.first();
        block.remaining = reserved.count();
      }
      long value = block.next;
      block.remaining--;
      if (block.remaining > 0) {
        block.next = value + sequence.increment();
      }
      return value;
    }
  }

  /** Blocks reserved by this node since start (each one transaction). */
  public synchronized long reservations() {
    return reservations;
  }

  /** The next value of {@code sequence} for the statement whose data context is {@code root}. */
  public static long nextValue(DataContext root, Sequence sequence) {
    ExecContext context = ExecContext.of(root);
    return context.sequences().next(sequence, context.guard());
  }

  private SequenceBlock reserve(Sequence sequence, StatementGuard guard) {
    SequenceBlock block = BlockingTxn.retrying(client, guard, RESERVE_ATTEMPTS, txn -> reserveIn(txn, sequence));
    synchronized (this) {
      reservations++;
    }
    return block;
  }

  private static SequenceBlock reserveIn(KvWriter txn, Sequence sequence) {
    // Reading the descriptor puts it in the read set: a concurrent DROP SEQUENCE and this
    // reservation cannot both commit, and a sequence re-created under the name has a new id.
    Optional<Sequence> current = txn.get(KeySpace.sequence(sequence.name())).map(DescriptorCodec::decodeSequence);
    if (current.isEmpty() || current.get().id() != sequence.id()) {
      throw new SqlExecutionException("42P01", "sequence " + sequence.name() + " does not exist");
    }
    SequenceValue stored = txn.get(KeySpace.sequenceValue(sequence.id()))
        .map(DescriptorCodec::decodeSequenceValue)
        .orElse(new SequenceValue(false, sequence.start()));
    if (stored.exhausted()) {
      throw new SqlExecutionException("2200H", "nextval: reached "
          + (sequence.increment() > 0 ? "maximum value " + sequence.maxValue() : "minimum value " + sequence.minValue())
          + " of sequence " + sequence.name());
    }
    SequenceBlock block = SequenceBlock.reserve(sequence, stored.next());
    txn.put(KeySpace.sequenceValue(sequence.id()), DescriptorCodec.encode(block.following()));
    return block;
  }
}
