package dev.meridian.jepsen.checker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The client operations of a history, numbered densely, with invocations paired to completions.
 *
 * <p>Glossary: an operation's <em>id</em> is its position among client operations (dense, used as
 * a graph vertex); its <em>index</em> is Elle's {@code :index}, the real-time position in the whole
 * history. An invocation is paired with the next completion of the same process; a completion
 * without an invocation (Elle accepts such histories) has none, and vice versa.
 */
public final class History {
  private final List<Op> ops;
  private final int[] invocation;
  private final int[] completion;

  public History(List<Op> all) {
    List<Op> client = new ArrayList<>();
    for (Op op : all) {
      if (op.process() != null) {
        client.add(op);
      }
    }
    this.ops = List.copyOf(client);
    int n = ops.size();
    invocation = new int[n];
    completion = new int[n];
    Arrays.fill(invocation, -1);
    Arrays.fill(completion, -1);
    Map<Long, Integer> pending = new HashMap<>();
    for (int id = 0; id < n; id++) {
      Op op = ops.get(id);
      if (op.isInvoke()) {
        pending.put(op.process(), id);
      } else {
        Integer inv = pending.remove(op.process());
        if (inv != null) {
          invocation[id] = inv;
          completion[inv] = id;
        }
      }
    }
  }

  public int size() {
    return ops.size();
  }

  public Op op(int id) {
    return ops.get(id);
  }

  public List<Op> ops() {
    return ops;
  }

  /** The id of the invocation of completion {@code id}, or -1. */
  public int invocation(int id) {
    return invocation[id];
  }

  /** The id of the completion of invocation {@code id}, or -1. */
  public int completion(int id) {
    return completion[id];
  }
}
