package dev.meridian.jepsen.checker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BankCheckerTest {

  private static final Set<Long> ACCOUNTS = Set.of(0L, 1L, 2L);

  private static final String PREFIX = """
      {:index 0, :time 1, :type :invoke, :process 0, :f :transfer, :value {:from 0, :to 1, :amount 3}}
      {:index 1, :time 2, :type :ok, :process 0, :f :transfer, :value {:from 0, :to 1, :amount 3}}
      {:index 2, :time 3, :type :invoke, :process 1, :f :read, :value nil, :staleness "strong"}
      {:index 3, :time 4, :type :ok, :process 1, :f :read, :value {0 7, 1 13, 2 10}, :staleness "strong"}
      {:index 4, :time 5, :type :info, :process :nemesis, :f :kill, :value "n1"}
      {:index 5, :time 6, :type :invoke, :process 2, :f :read, :value nil}
      {:index 6, :time 7, :type :fail, :process 2, :f :read, :value nil, :error "08006 lost"}
      """;

  @Test
  void readsThatSeeTheTotalAndNoOverdraftAreValid() {
    CheckResult r = BankChecker.check(PREFIX + """
        {:index 7, :time 8, :type :invoke, :process 3, :f :read, :value nil, :staleness "1s"}
        {:index 8, :time 9, :type :ok, :process 3, :f :read, :value {0 10, 1 10, 2 10}, :staleness "1s"}
        """, ACCOUNTS, 30);

    assertThat(r.valid()).isEqualTo("true");
    assertThat(r.anomalyTypes()).isEmpty();
  }

  @Test
  void aReadOfTheWrongTotalIsReportedWithItsIndexAndWhatItSaw() {
    CheckResult r = BankChecker.check(PREFIX + """
        {:index 7, :time 8, :type :invoke, :process 3, :f :read, :value nil}
        {:index 8, :time 9, :type :ok, :process 3, :f :read, :value {0 7, 1 10, 2 10}}
        """, ACCOUNTS, 30);

    assertThat(r.valid()).isEqualTo("false");
    assertThat(r.anomalyTypes()).containsExactly(BankChecker.WRONG_TOTAL);
    Map<?, ?> bad = (Map<?, ?>) r.anomalies().get(BankChecker.WRONG_TOTAL).getFirst();
    assertThat(bad.get("index")).isEqualTo(8L);
    assertThat(bad.get("value")).isEqualTo(Map.of(0L, 7L, 1L, 10L, 2L, 10L));
    assertThat(bad.get("saw-total")).isEqualTo(27L);
    assertThat(bad.get("total")).isEqualTo(30L);
  }

  @Test
  void aNegativeBalanceIsReportedEvenWhenTheTotalIsRight() {
    CheckResult r = BankChecker.check(PREFIX + """
        {:index 7, :time 8, :type :invoke, :process 3, :f :read, :value nil}
        {:index 8, :time 9, :type :ok, :process 3, :f :read, :value {0 -2, 1 22, 2 10}}
        """, ACCOUNTS, 30);

    assertThat(r.valid()).isEqualTo("false");
    assertThat(r.anomalyTypes()).containsExactly(BankChecker.NEGATIVE_VALUE);
    Map<?, ?> bad = (Map<?, ?>) r.anomalies().get(BankChecker.NEGATIVE_VALUE).getFirst();
    assertThat(bad.get("index")).isEqualTo(8L);
    assertThat(bad.get("negative")).isEqualTo(Map.of(0L, -2L));
    assertThat(r.toJson()).contains("\"negative-value\"", "\"index\":8");
  }

  @Test
  void everyBadReadIsListedAndMissingAccountsAreTheirOwnAnomaly() {
    CheckResult r = BankChecker.check(PREFIX + """
        {:index 7, :time 8, :type :ok, :process 3, :f :read, :value {0 1, 1 1, 2 1}}
        {:index 8, :time 9, :type :ok, :process 4, :f :read, :value {0 2, 1 2, 2 2}}
        {:index 9, :time 10, :type :ok, :process 5, :f :read, :value {0 30}}
        """, ACCOUNTS, 30);

    assertThat(r.valid()).isEqualTo("false");
    assertThat(r.anomalyTypes()).containsExactly(BankChecker.WRONG_ACCOUNTS, BankChecker.WRONG_TOTAL);
    assertThat(r.anomalies().get(BankChecker.WRONG_TOTAL).stream().map(m -> ((Map<?, ?>) m).get("index")).toList())
        .isEqualTo(List.of(7L, 8L));
    assertThat(r.anomalies().get(BankChecker.WRONG_ACCOUNTS)).hasSize(1);
  }

  @Test
  void withNoCompletedReadNothingIsCheckedAndTheVerdictIsUnknown() {
    CheckResult r = BankChecker.check(PREFIX.lines().limit(2).map(l -> l + "\n").reduce("", String::concat),
        ACCOUNTS, 30);

    assertThat(r.valid()).isEqualTo("unknown");
    assertThat(r.anomalyTypes()).isEqualTo(List.of(BankChecker.NO_READS));
  }
}
