package dev.meridian.jepsen.checker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Jepsen's bank checker: money moves between a fixed set of accounts and is never created or
 * destroyed, and no transfer overdraws, so every completed read of all accounts ({@code :f :read},
 * {@code :type :ok}, {@code :value {account balance, …}}) must see exactly the accounts there are,
 * balances summing to the total, none negative. Each read that does not is reported with its {@code
 * :index} and what it saw:
 *
 * <ul>
 *   <li>{@code wrong-total}: the balances do not sum to the total (a transfer seen half applied, or
 *       money lost or made);
 *   <li>{@code negative-value}: some balance is below zero (an overdraft committed);
 *   <li>{@code wrong-accounts}: the read saw other accounts than those created, or a balance that is
 *       not a number.
 * </ul>
 *
 * The verdict is {@code false} if any read is bad, {@code unknown} if no read completed (nothing was
 * checked), {@code true} otherwise. Transfers and failed or indeterminate reads are not checked: a
 * transfer's effects are only observable through reads.
 */
public final class BankChecker {

  public static final String WRONG_TOTAL = "wrong-total";
  public static final String NEGATIVE_VALUE = "negative-value";
  public static final String WRONG_ACCOUNTS = "wrong-accounts";
  public static final String NO_READS = "no-ok-reads";

  private BankChecker() {}

  /** The accounts {@code 0 … count-1}. */
  public static Set<Long> accounts(long count) {
    Set<Long> accounts = new TreeSet<>();
    for (long account = 0; account < count; account++) {
      accounts.add(account);
    }
    return accounts;
  }

  /** Checks the EDN history in {@code file}. */
  public static CheckResult check(Path file, Set<Long> accounts, long total) throws IOException {
    return check(Files.readString(file, StandardCharsets.UTF_8), accounts, total);
  }

  /** Checks an EDN history, one operation map per top-level form. */
  public static CheckResult check(String history, Set<Long> accounts, long total) {
    Map<String, List<Object>> anomalies = new TreeMap<>();
    long reads = 0;
    for (EdnReader.Form form : EdnReader.readAll(history)) {
      if (!(form.value() instanceof Map<?, ?> op) || !Keyword.of("ok").equals(op.get(Keyword.of("type")))
          || !Keyword.of("read").equals(op.get(Keyword.of("f")))) {
        continue;
      }
      reads++;
      Object index = op.containsKey(Keyword.of("index")) ? op.get(Keyword.of("index")) : "line " + form.line();
      Object value = op.get(Keyword.of("value"));
      if (!(value instanceof Map<?, ?> balances) || !balances.keySet().equals(accounts)
          || !balances.values().stream().allMatch(Long.class::isInstance)) {
        anomalies.computeIfAbsent(WRONG_ACCOUNTS, k -> new ArrayList<>())
            .add(explain(index, value, "accounts", new TreeSet<>(accounts)));
        continue;
      }
      long sum = 0;
      Map<Object, Object> negative = new TreeMap<>();
      for (Map.Entry<?, ?> e : balances.entrySet()) {
        long balance = (Long) e.getValue();
        sum += balance;
        if (balance < 0) {
          negative.put(e.getKey(), balance);
        }
      }
      if (sum != total) {
        Map<String, Object> why = explain(index, value, "total", total);
        why.put("saw-total", sum);
        anomalies.computeIfAbsent(WRONG_TOTAL, k -> new ArrayList<>()).add(why);
      }
      if (!negative.isEmpty()) {
        anomalies.computeIfAbsent(NEGATIVE_VALUE, k -> new ArrayList<>())
            .add(explain(index, value, "negative", negative));
      }
    }
    if (anomalies.isEmpty() && reads == 0) {
      anomalies.put(NO_READS, List.of(Map.of("why", "no read of the accounts completed, so nothing was checked")));
      return new CheckResult("unknown", List.of(NO_READS), anomalies, Set.of(), Set.of());
    }
    return new CheckResult(anomalies.isEmpty() ? "true" : "false", List.copyOf(anomalies.keySet()), anomalies,
        Set.of(), Set.of());
  }

  private static Map<String, Object> explain(Object index, Object saw, String what, Object expected) {
    Map<String, Object> why = new LinkedHashMap<>();
    why.put("index", index);
    why.put("value", saw);
    why.put(what, expected);
    return why;
  }
}
