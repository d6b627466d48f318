package dev.meridian.jepsen.checker;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Lost update (Adya's H_lu): two committed transactions read the same version of a key and both
 * wrote that key, so one of the updates was based on a state the other had already replaced.
 * Checked directly in linear time, because the cycle search may lack the ww edge between two
 * writes that were never observed.
 */
final class LostUpdate {
  private LostUpdate() {}

  static void find(History h, Mop.Kind write, Map<String, List<Object>> anomalies) {
    Map<Object, Map<Object, List<Op>>> txns = new LinkedHashMap<>();
    for (Op op : h.ops()) {
      if (!op.isOk()) {
        continue;
      }
      Map<Object, Object> reads = new HashMap<>();
      Set<Object> writes = new HashSet<>();
      for (Mop m : op.mops()) {
        boolean hasRead = reads.containsKey(m.key());
        if (m.kind() == write && !writes.contains(m.key())) {
          if (hasRead) {
            txns.computeIfAbsent(m.key(), k -> new LinkedHashMap<>())
                .computeIfAbsent(reads.get(m.key()), k -> new ArrayList<>()).add(op);
            writes.add(m.key());
          }
        } else if (m.isRead() && !hasRead) {
          reads.put(m.key(), m.value());
        }
      }
    }
    txns.forEach((k, byValue) -> byValue.forEach((v, ops) -> {
      if (ops.size() >= 2) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("key", k);
        c.put("value", v);
        List<Object> data = new ArrayList<>();
        StringBuilder names = new StringBuilder();
        for (Op op : ops) {
          data.add(op.toData());
          names.append(names.length() == 0 ? "" : ", ").append('T').append(op.index());
        }
        c.put("txns", data);
        c.put("why", names + " all read key " + Edn.print(k) + " = " + Edn.print(v)
            + " and then wrote it: all but one of those updates were lost");
        anomalies.computeIfAbsent("lost-update", x -> new ArrayList<>()).add(c);
      }
    }));
  }
}
