package dev.meridian.jepsen.checker;

import dev.meridian.jepsen.checker.LinearizabilitySearch.Budget;
import dev.meridian.jepsen.checker.LinearizabilitySearch.Kind;
import dev.meridian.jepsen.checker.LinearizabilitySearch.Operation;
import dev.meridian.jepsen.checker.LinearizabilitySearch.Verdict;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks a register history ({@link HistoryReader#parseRegister}) for linearizability, one key at a
 * time (Jepsen's independent keys: operations on different registers never constrain each other),
 * with {@link LinearizabilitySearch}, and explains a failure.
 *
 * <p>Glossary:
 * <ul>
 *   <li><em>position</em>: an operation's place among the history's client operations
 *       ({@link History} ids); real-time order is position order.
 *   <li><em>prefix</em> up to position {@code t}: the operations invoked by {@code t}; those that
 *       completed {@code :ok} by {@code t} are required, the rest open. Linearizability is closed
 *       under prefixes, so the shortest prefix that cannot be linearized is found by binary search
 *       over completion positions; it ends with the completion of the <em>failing operation</em>.
 *   <li><em>weakening</em> an operation: making it open (it may take effect at any time after its
 *       invocation, or never). Weakening only ever makes a history easier to linearize, so the
 *       <em>operations involved</em> are found by weakening, one at a time, each operation of the
 *       prefix whose weakening keeps it unlinearizable; those left are a set in which every member
 *       matters: weakening any one of them makes the prefix linearizable.
 * </ul>
 *
 * <p>Semantics, as Jepsen's {@code cas-register}: the register starts {@code nil}; a read returns
 * the value; a write sets it; a cas {@code [old new]} sets {@code new} if the value is {@code old}
 * and otherwise fails. {@code :fail} operations did not happen and are dropped; {@code :info} and
 * pending ones are open; an open read constrains nothing and is dropped.
 *
 * <p>Bounds: each key's search gets the whole step and memory budget; finding the shortest failing
 * prefix gets one more, shared by its searches, and weakening {@link #EXPLAIN_STEPS}, at most
 * {@link #WEAKEN_PROBE_STEPS} a search. A key whose search runs out is {@code unknown}; a prefix
 * search that runs out leaves a failing prefix that may not be the shortest ({@code shortest}
 * false), a weakening search that does keeps its operation ({@code minimal} false).
 */
public final class LinearizabilityChecker {
  /** The anomaly a key that cannot be linearized is reported as. */
  public static final String NONLINEARIZABLE = "nonlinearizable";
  /** The reason a key's verdict is unknown: its search ran out of budget. */
  public static final String TIMEOUT = "linearization-search-timeout";
  /**
   * Steps all the searches that explain one key's failure may take together: a bounded fraction
   * of a second, since an explanation is a courtesy on top of a verdict already reached.
   */
  static final long EXPLAIN_STEPS = 4_000_000L;
  /**
   * Steps one search while weakening may take. Weakened operations may go anywhere after their
   * invocation, which can make a search far larger than the verdict's; one that does not finish
   * quickly keeps its operation among those involved (so the set stays proven, merely not minimal).
   */
  static final long WEAKEN_PROBE_STEPS = 20_000L;

  private LinearizabilityChecker() {}

  /** One key's operations, in position order, and what the search needs of them. */
  private record KeyOps(Object key, List<Integer> invocations, List<Integer> completions,
      Operation[] ops, List<Object> values) {}

  public static CheckResult check(List<Op> all, long maxSteps, long maxMemoBytes) {
    History h = new History(all);
    Budget budget = new Budget(maxSteps, maxMemoBytes);
    Map<String, List<Object>> anomalies = new TreeMap<>();
    for (KeyOps k : keys(h)) {
      LinearizabilitySearch.Result r = LinearizabilitySearch.check(k.ops(), budget);
      if (r.verdict() == Verdict.NOT_LINEARIZABLE) {
        anomalies.computeIfAbsent(NONLINEARIZABLE, x -> new ArrayList<>())
            .add(explain(h, k, budget, r.steps()));
      } else if (r.verdict() == Verdict.UNKNOWN) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("key", k.key());
        t.put("operations", k.ops().length);
        t.put("steps", r.steps());
        t.put("why", "gave up searching for a linearization of " + describeKey(k.key()) + " ("
            + k.ops().length + " operations) after " + r.steps() + " steps, within budgets of "
            + maxSteps + " steps and " + maxMemoBytes + " bytes of memo table");
        anomalies.computeIfAbsent(TIMEOUT, x -> new ArrayList<>()).add(t);
      }
    }
    if (anomalies.isEmpty()) {
      return new CheckResult("true", List.of(), anomalies, Set.of(), Set.of());
    }
    boolean bad = anomalies.containsKey(NONLINEARIZABLE);
    return new CheckResult(bad ? "false" : "unknown", new ArrayList<>(anomalies.keySet()),
        anomalies, bad ? Set.of("linearizable") : Set.of(), Set.of());
  }

  /** Splits the history by key and turns each operation into what the search needs. */
  private static List<KeyOps> keys(History h) {
    Map<Object, List<Integer>> invocations = new LinkedHashMap<>();
    Map<Object, List<Integer>> completions = new HashMap<>();
    Map<Object, List<Operation>> ops = new HashMap<>();
    Map<Object, Map<Object, Integer>> interned = new HashMap<>();
    Map<Object, List<Object>> values = new HashMap<>();
    for (int id = 0; id < h.size(); id++) {
      Op inv = h.op(id);
      if (!inv.isInvoke() || inv.mops().size() != 1) {
        continue;
      }
      int c = h.completion(id);
      OpType outcome = c < 0 ? OpType.INFO : h.op(c).type();
      Mop m = inv.mops().get(0);
      if (outcome == OpType.FAIL || outcome != OpType.OK && m.kind() == Mop.Kind.READ) {
        continue;
      }
      Mop effect = outcome == OpType.OK && h.op(c).mops().size() == 1 ? h.op(c).mops().get(0) : m;
      Object key = m.key();
      Map<Object, Integer> ids = interned.computeIfAbsent(key, x -> {
        Map<Object, Integer> fresh = new HashMap<>();
        fresh.put(null, LinearizabilitySearch.NIL);
        values.put(x, new ArrayList<>(Arrays.asList((Object) null)));
        return fresh;
      });
      List<Object> vs = values.get(key);
      int a;
      int b = 0;
      Kind kind;
      switch (m.kind()) {
        case READ -> {
          kind = Kind.READ;
          a = intern(ids, vs, effect.value());
        }
        case WRITE -> {
          kind = Kind.WRITE;
          a = intern(ids, vs, effect.value());
        }
        default -> {
          kind = Kind.CAS;
          List<?> oldNew = (List<?>) effect.value();
          a = intern(ids, vs, oldNew.get(0));
          b = intern(ids, vs, oldNew.get(1));
        }
      }
      boolean required = outcome == OpType.OK;
      invocations.computeIfAbsent(key, x -> new ArrayList<>()).add(id);
      completions.computeIfAbsent(key, x -> new ArrayList<>()).add(c);
      ops.computeIfAbsent(key, x -> new ArrayList<>())
          .add(new Operation(kind, a, b, id, required ? c : -1));
    }
    List<KeyOps> out = new ArrayList<>();
    for (Map.Entry<Object, List<Integer>> e : invocations.entrySet()) {
      Object key = e.getKey();
      out.add(new KeyOps(key, e.getValue(), completions.get(key),
          ops.get(key).toArray(Operation[]::new), values.get(key)));
    }
    return out;
  }

  private static int intern(Map<Object, Integer> ids, List<Object> values, Object v) {
    return ids.computeIfAbsent(v, x -> {
      values.add(x);
      return values.size() - 1;
    });
  }

  /** A search's operations for the prefix up to position {@code end}, with some weakened. */
  private static Operation[] prefix(Operation[] ops, long end, boolean[] weakened) {
    List<Operation> out = new ArrayList<>();
    for (int i = 0; i < ops.length; i++) {
      Operation o = ops[i];
      if (o.invoke() > end) {
        continue;
      }
      boolean open = weakened[i] || !o.required() || o.complete() > end;
      out.add(open ? o.open() : o);
    }
    return out.toArray(Operation[]::new);
  }

  /** What explaining may still spend, shared by all of its searches. */
  private static final class Spend {
    private long left;
    private boolean exhausted;

    Spend(long steps) {
      left = steps;
    }

    /** The verdict on {@code ops} within {@code cap} steps, or null if it was not reached. */
    Verdict check(Operation[] ops, long cap, long maxMemoBytes) {
      if (left <= 0) {
        exhausted = true;
        return null;
      }
      LinearizabilitySearch.Result r =
          LinearizabilitySearch.check(ops, new Budget(Math.min(cap, left), maxMemoBytes));
      left -= r.steps();
      if (r.verdict() == Verdict.UNKNOWN) {
        exhausted = true;
        return null;
      }
      return r.verdict();
    }
  }

  private static Map<String, Object> explain(History h, KeyOps k, Budget budget, long steps) {
    Operation[] ops = k.ops();
    int n = ops.length;
    Spend shortening = new Spend(budget.maxSteps());
    boolean[] none = new boolean[n];
    Integer[] byCompletion = requiredByCompletion(ops);
    // Smallest completion position whose prefix fails; the whole history is known to fail.
    int lo = 0;
    int hi = byCompletion.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      Verdict v = shortening.check(prefix(ops, ops[byCompletion[mid]].complete(), none),
          budget.maxSteps(), budget.maxMemoBytes());
      if (v == Verdict.NOT_LINEARIZABLE) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    boolean shortest = !shortening.exhausted;
    int failing = byCompletion[lo];
    long end = ops[failing].complete();
    // Weaken reads first, latest first: an open read is dropped, so those searches only shrink.
    // Then writes and cas, whose weakening lets them move and may make a search much larger.
    List<Integer> candidates = new ArrayList<>();
    for (boolean reads : new boolean[] {true, false}) {
      for (int j = byCompletion.length - 1; j >= 0; j--) {
        int i = byCompletion[j];
        if (i != failing && ops[i].complete() < end && (ops[i].kind() == Kind.READ) == reads) {
          candidates.add(i);
        }
      }
    }
    boolean[] weakened = new boolean[n];
    Spend spend = new Spend(EXPLAIN_STEPS);
    for (int i : candidates) {
      weakened[i] = true;
      if (spend.check(prefix(ops, end, weakened), WEAKEN_PROBE_STEPS, budget.maxMemoBytes())
          != Verdict.NOT_LINEARIZABLE) {
        weakened[i] = false;
      }
    }
    List<Object> involved = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (ops[i].invoke() <= end && !weakened[i] && ops[i].required() && ops[i].complete() <= end) {
        involved.add(data(h, k, i));
      }
    }
    int prefixOps = 0;
    for (Operation o : ops) {
      if (o.invoke() <= end) {
        prefixOps++;
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("key", k.key());
    m.put("op", data(h, k, failing));
    m.put("prefix-end-index", h.op((int) end).index());
    m.put("prefix-operations", prefixOps);
    m.put("shortest", shortest);
    m.put("minimal", !spend.exhausted);
    m.put("ops", involved);
    m.put("search-steps", steps);
    m.put("explain-steps", budget.maxSteps() - shortening.left + EXPLAIN_STEPS - spend.left);
    m.put("why", describeKey(k.key()) + " is not linearizable: no order of its first " + prefixOps
        + " operations (up to :index " + h.op((int) end).index() + ") lets "
        + describe(h, k, failing) + " take effect; already these " + involved.size()
        + " cannot be ordered, even if every other one took effect at any time after its"
        + " invocation or not at all: " + describeAll(h, k, ops, weakened, end)
        + (shortest ? "" : " (the search budget ran out: the prefix may not be the shortest)"));
    return m;
  }

  /** Required operations, ordered by completion position. */
  private static Integer[] requiredByCompletion(Operation[] ops) {
    List<Integer> req = new ArrayList<>();
    for (int i = 0; i < ops.length; i++) {
      if (ops[i].required()) {
        req.add(i);
      }
    }
    req.sort(Comparator.comparingLong(i -> ops[i].complete()));
    return req.toArray(Integer[]::new);
  }

  private static String describeKey(Object key) {
    return key == null ? "the register" : "key " + Edn.print(key);
  }

  private static Object value(KeyOps k, int i) {
    Operation o = k.ops()[i];
    return switch (o.kind()) {
      case READ, WRITE -> k.values().get(o.a());
      case CAS -> Arrays.asList(k.values().get(o.a()), k.values().get(o.b()));
    };
  }

  private static String describe(History h, KeyOps k, int i) {
    Operation o = k.ops()[i];
    Op inv = h.op(k.invocations().get(i));
    String what = switch (o.kind()) {
      case READ -> "read of " + Edn.print(k.values().get(o.a()));
      case WRITE -> "write of " + Edn.print(k.values().get(o.a()));
      case CAS -> "cas from " + Edn.print(k.values().get(o.a())) + " to "
          + Edn.print(k.values().get(o.b()));
    };
    String span = o.required() ? ":index " + inv.index() + "-"
        + h.op(k.completions().get(i)).index() : "invoked at :index " + inv.index();
    return "process " + inv.process() + "'s " + (o.required() ? "" : "unacknowledged ") + what
        + " (" + span + ")";
  }

  private static String describeAll(History h, KeyOps k, Operation[] ops,
      boolean[] weakened, long end) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < ops.length; i++) {
      if (ops[i].invoke() <= end && !weakened[i] && ops[i].required() && ops[i].complete() <= end) {
        if (!sb.isEmpty()) {
          sb.append("; ");
        }
        sb.append(describe(h, k, i));
      }
    }
    return sb.toString();
  }

  private static Map<String, Object> data(History h, KeyOps k, int i) {
    Operation o = k.ops()[i];
    Op inv = h.op(k.invocations().get(i));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("process", inv.process());
    m.put("type", o.required() ? "ok" : "info");
    m.put("f", switch (o.kind()) {
      case READ -> "read";
      case WRITE -> "write";
      case CAS -> "cas";
    });
    m.put("value", value(k, i));
    m.put("invoke-index", inv.index());
    m.put("complete-index", o.required() ? h.op(k.completions().get(i)).index() : null);
    return m;
  }
}
