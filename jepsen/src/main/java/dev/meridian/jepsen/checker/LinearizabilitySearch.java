package dev.meridian.jepsen.checker;

import dev.meridian.runtime.Invariants;
import java.util.Arrays;

/**
 * Decides whether the operations on one compare-and-set register are linearizable: Wing &amp; Gong's
 * search with Lowe's memoization, in the form Porcupine and Knossos's {@code linear} checker use.
 *
 * <p>Glossary:
 * <ul>
 *   <li><em>operation</em>: one read, write or cas of the register, with the position of its
 *       invocation and, if it is <em>required</em>, of its completion. Values are interned to
 *       small ints; {@link #NIL} is the unset register.
 *   <li><em>required</em>: completed {@code :ok}, so it took effect exactly once, between its
 *       invocation and its completion, and its output is known. Every other operation is
 *       <em>open</em> ({@code :info}, or still pending when the history ends): it may take effect at
 *       any point after its invocation, or never. An open operation has no completion event, so it
 *       never forces the search to place it; "never" is simply never placing it.
 *   <li><em>event list</em>: invocations of all operations and completions of required ones, in
 *       history order, as a doubly linked list; <em>lifting</em> an operation unlinks its events.
 *   <li><em>configuration</em>: the set of operations linearized so far (a bitset) and the register
 *       value they leave. The search memoizes every configuration it has entered: reaching one
 *       again by another order cannot succeed where the first failed (Lowe).
 * </ul>
 *
 * <p>The search walks the event list from its head. At an invocation it tries to linearize that
 * operation next: the model step must be legal (a read sees the current value; a cas's old value
 * matches) and the resulting configuration new; then the operation is lifted and the walk restarts
 * at the head. At a completion, the operation it completes cannot be deferred any further, so the
 * last choice is undone (backtracking). The history is linearizable when every required operation
 * is linearized; it is not when a completion is met with nothing left to undo.
 *
 * <p>Bounds: time is counted in <em>steps</em> (events visited, including backtracks); memory is the
 * memo table, {@code (words + 1) * 8} bytes per configuration plus its index. Either budget running
 * out ends the search with {@link Verdict#UNKNOWN}, never with an unbounded run or an
 * OutOfMemoryError. The search is deterministic: no clock, no randomness.
 */
public final class LinearizabilitySearch {
  /** The interned value of the unset register ({@code nil}). */
  public static final int NIL = 0;

  /** Bytes the memo index costs per slot: one int. */
  private static final int INDEX_SLOT_BYTES = Integer.BYTES;

  /** What each operation does to the register. */
  public enum Kind { READ, WRITE, CAS }

  /** The answer of one search. */
  public enum Verdict { LINEARIZABLE, NOT_LINEARIZABLE, UNKNOWN }

  /**
   * How much one search may spend.
   *
   * @param maxSteps events the walk may visit (each a constant amount of work) before giving up
   * @param maxMemoBytes bytes the memo table may hold before giving up
   */
  public record Budget(long maxSteps, long maxMemoBytes) {
    public Budget {
      Invariants.require(maxSteps > 0, "a search budget needs at least one step");
      Invariants.require(maxMemoBytes > 0, "a search budget needs some memory");
    }
  }

  /**
   * One register operation.
   *
   * @param kind read, write or cas
   * @param a the value a read returned, a write wrote, or a cas expected
   * @param b the value a cas wrote (unused otherwise)
   * @param invoke position of the invocation in the history
   * @param complete position of the completion if the operation is required, else -1
   */
  public record Operation(Kind kind, int a, int b, long invoke, long complete) {
    public Operation {
      Invariants.require(complete < 0 || complete > invoke,
          "an operation completes after its invocation");
    }

    public boolean required() {
      return complete >= 0;
    }

    /** The same operation made open: it may take effect at any time after its invocation, or never. */
    public Operation open() {
      return new Operation(kind, a, b, invoke, -1);
    }

    /** The register value after this operation runs on {@code state}, or -1 if it cannot. */
    int step(int state) {
      return switch (kind) {
        case READ -> state == a ? state : -1;
        case WRITE -> a;
        case CAS -> state == a ? b : -1;
      };
    }
  }

  /**
   * The outcome: the verdict, the steps spent and, for a linearizable history, one linearization
   * (operation indexes in the order they take effect; open operations that never took effect are
   * absent).
   */
  public record Result(Verdict verdict, long steps, int[] linearization) {}

  private LinearizabilitySearch() {}

  /** Searches for a linearization of {@code ops}, starting from the unset register. */
  public static Result check(Operation[] ops, Budget budget) {
    return new Run(ops, budget).search();
  }

  /** The mutable state of one search; not shared. */
  private static final class Run {
    private final Operation[] ops;
    private final Budget budget;
    // Event list: node 0 is the head sentinel; node 1 + 2i is op i's invocation, 2 + 2i its completion.
    private final int[] next;
    private final int[] prev;
    private final long[] zobrist;
    private final Memo memo;
    private final int required;

    Run(Operation[] ops, Budget budget) {
      this.ops = ops;
      this.budget = budget;
      int n = ops.length;
      next = new int[2 * n + 1];
      prev = new int[2 * n + 1];
      zobrist = new long[n];
      int req = 0;
      long[][] events = new long[2 * n][];
      int count = 0;
      for (int i = 0; i < n; i++) {
        zobrist[i] = mix(i + 1);
        events[count++] = new long[] {ops[i].invoke(), 1 + 2L * i};
        if (ops[i].required()) {
          req++;
          events[count++] = new long[] {ops[i].complete(), 2 + 2L * i};
        }
      }
      required = req;
      long[][] sorted = Arrays.copyOf(events, count);
      Arrays.sort(sorted, (x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0])
          : Long.compare(x[1], y[1]));
      int last = 0;
      for (long[] e : sorted) {
        int node = (int) e[1];
        next[last] = node;
        prev[node] = last;
        last = node;
      }
      next[last] = -1;
      memo = new Memo((n + 63) / 64, budget.maxMemoBytes());
    }

    private static boolean isInvocation(int node) {
      return (node & 1) == 1;
    }

    private static int opOf(int node) {
      return (node - 1) / 2;
    }

    private void lift(int op) {
      unlink(1 + 2 * op);
      if (ops[op].required()) {
        unlink(2 + 2 * op);
      }
    }

    private void unlift(int op) {
      if (ops[op].required()) {
        relink(2 + 2 * op);
      }
      relink(1 + 2 * op);
    }

    private void unlink(int node) {
      next[prev[node]] = next[node];
      if (next[node] >= 0) {
        prev[next[node]] = prev[node];
      }
    }

    /** Undoes {@link #unlink}: valid because nodes are relinked in the reverse order of unlinking. */
    private void relink(int node) {
      next[prev[node]] = node;
      if (next[node] >= 0) {
        prev[next[node]] = node;
      }
    }

    Result search() {
      int n = ops.length;
      long[] linearized = new long[(n + 63) / 64];
      long hash = 0;
      int state = NIL;
      int[] stackOp = new int[n];
      int[] stackState = new int[n];
      int depth = 0;
      int requiredDone = 0;
      int node = next[0];
      long steps = 0;
      while (requiredDone < required) {
        if (++steps > budget.maxSteps()) {
          return new Result(Verdict.UNKNOWN, steps - 1, null);
        }
        Invariants.require(node >= 0, "a required operation's completion ends the event list");
        if (isInvocation(node)) {
          int op = opOf(node);
          int after = ops[op].step(state);
          if (after >= 0) {
            linearized[op >>> 6] |= 1L << op;
            long h = hash ^ zobrist[op];
            Memo.Added added = memo.add(linearized, after, h);
            if (added == Memo.Added.FULL) {
              return new Result(Verdict.UNKNOWN, steps, null);
            }
            if (added == Memo.Added.NEW) {
              stackOp[depth] = op;
              stackState[depth] = state;
              depth++;
              hash = h;
              state = after;
              if (ops[op].required()) {
                requiredDone++;
              }
              lift(op);
              node = next[0];
              continue;
            }
            linearized[op >>> 6] &= ~(1L << op);
          }
          node = next[node];
        } else {
          if (depth == 0) {
            return new Result(Verdict.NOT_LINEARIZABLE, steps, null);
          }
          depth--;
          int op = stackOp[depth];
          state = stackState[depth];
          hash ^= zobrist[op];
          linearized[op >>> 6] &= ~(1L << op);
          if (ops[op].required()) {
            requiredDone--;
          }
          unlift(op);
          node = next[1 + 2 * op];
        }
      }
      return new Result(Verdict.LINEARIZABLE, steps, Arrays.copyOf(stackOp, depth));
    }
  }

  /** Murmur3's 64-bit finalizer: a fixed pseudo-random key per operation for Zobrist hashing. */
  private static long mix(long x) {
    x ^= x >>> 33;
    x *= 0xff51afd7ed558ccdL;
    x ^= x >>> 33;
    x *= 0xc4ceb9fe1a85ec53L;
    x ^= x >>> 33;
    return x;
  }

  /**
   * The set of configurations entered: an open-addressing table of offsets into an arena of
   * {@code words} bitset words followed by the register value. Its size is checked against the
   * budget before it grows, so exhaustion is an answer, not an error.
   */
  static final class Memo {
    enum Added { NEW, PRESENT, FULL }

    private static final int INITIAL_SLOTS = 1 << 10;
    private final int words;
    private final long maxBytes;
    private long[] arena;
    private int arenaUsed;
    private int[] slots;
    private long[] slotHash;
    private int size;

    Memo(int words, long maxBytes) {
      this.words = words;
      this.maxBytes = maxBytes;
      this.arena = new long[(words + 1) * 64];
      this.slots = new int[INITIAL_SLOTS];
      this.slotHash = new long[INITIAL_SLOTS];
      Arrays.fill(slots, -1);
    }

    /** Bytes held now. */
    long bytes() {
      return (long) arena.length * Long.BYTES
          + (long) slots.length * (INDEX_SLOT_BYTES + Long.BYTES);
    }

    /** Adds ({@code bits}, {@code state}); {@code hash} covers {@code bits} only. */
    Added add(long[] bits, int state, long hash) {
      long h = mix(hash ^ (state * 0x9e3779b97f4a7c15L));
      int mask = slots.length - 1;
      int i = (int) h & mask;
      while (slots[i] >= 0) {
        if (slotHash[i] == h && equal(slots[i], bits, state)) {
          return Added.PRESENT;
        }
        i = (i + 1) & mask;
      }
      int entry = words + 1;
      if (arenaUsed + entry > arena.length) {
        long grown = Math.max((long) arena.length * 2, arenaUsed + (long) entry);
        if (grown > Integer.MAX_VALUE - 8
            || bytes() + (grown - arena.length) * Long.BYTES > maxBytes) {
          return Added.FULL;
        }
        arena = Arrays.copyOf(arena, (int) grown);
      }
      if ((size + 1) * 2L > slots.length) {
        long more = (long) slots.length * (INDEX_SLOT_BYTES + Long.BYTES);
        if (slots.length > (1 << 29) || bytes() + more > maxBytes) {
          return Added.FULL;
        }
        grow();
        return add(bits, state, hash);
      }
      int offset = arenaUsed;
      System.arraycopy(bits, 0, arena, offset, words);
      arena[offset + words] = state;
      arenaUsed += entry;
      slots[i] = offset;
      slotHash[i] = h;
      size++;
      return Added.NEW;
    }

    private boolean equal(int offset, long[] bits, int state) {
      if (arena[offset + words] != state) {
        return false;
      }
      for (int w = 0; w < words; w++) {
        if (arena[offset + w] != bits[w]) {
          return false;
        }
      }
      return true;
    }

    private void grow() {
      int[] oldSlots = slots;
      long[] oldHash = slotHash;
      slots = new int[oldSlots.length * 2];
      slotHash = new long[oldSlots.length * 2];
      Arrays.fill(slots, -1);
      int mask = slots.length - 1;
      for (int j = 0; j < oldSlots.length; j++) {
        if (oldSlots[j] >= 0) {
          int i = (int) oldHash[j] & mask;
          while (slots[i] >= 0) {
            i = (i + 1) & mask;
          }
          slots[i] = oldSlots[j];
          slotHash[i] = oldHash[j];
        }
      }
    }
  }
}
