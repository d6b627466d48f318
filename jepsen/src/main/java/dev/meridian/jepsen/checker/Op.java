package dev.meridian.jepsen.checker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One line of a history. {@code index} is the position in real time (Elle's {@code :index});
 * {@code process} is null for operations that are not client operations (nemesis and the like).
 */
public record Op(long index, OpType type, Long process, Object f, List<Mop> mops, Long time) {
  public boolean isOk() {
    return type == OpType.OK;
  }

  public boolean isInvoke() {
    return type == OpType.INVOKE;
  }

  /** As EDN-style data, for explanations. */
  public Map<Object, Object> toData() {
    Map<Object, Object> m = new LinkedHashMap<>();
    m.put(Keyword.of("index"), index);
    m.put(Keyword.of("type"), Keyword.of(type.edn()));
    m.put(Keyword.of("process"), process);
    m.put(Keyword.of("f"), f);
    List<Object> value = new ArrayList<>();
    for (Mop mop : mops) {
      value.add(mop.toData());
    }
    m.put(Keyword.of("value"), value);
    return m;
  }

  @Override
  public String toString() {
    return Edn.print(toData());
  }
}
