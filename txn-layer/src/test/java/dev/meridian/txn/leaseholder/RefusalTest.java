package dev.meridian.txn.leaseholder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.storage.Key;
import dev.meridian.txn.TxnConflictException;
import dev.meridian.txn.TxnOutcomeUnknownException;
import dev.meridian.txn.TxnUnavailableException;
import org.junit.jupiter.api.Test;

class RefusalTest {

  @Test
  void onlyAnUnknownOutcomeMayHaveBeenApplied() {
    for (Refusal.Kind kind : Refusal.Kind.values()) {
      assertThat(kind.certainlyNotApplied()).as(kind.name()).isEqualTo(kind != Refusal.Kind.OUTCOME_UNKNOWN);
    }
    assertThat(Refusal.Kind.OUTCOME_UNKNOWN.sqlState()).isEqualTo("40003");
    assertThat(Refusal.Kind.CONFLICT.sqlState()).isEqualTo("40001");
    assertThat(Refusal.Kind.NOT_LEASEHOLDER.sqlState()).isEqualTo("40001");
  }

  @Test
  void mapsToTheClientApisExceptions() {
    Key key = Key.utf8("k");
    TxnConflictException conflict = (TxnConflictException)
        new Refusal(Refusal.Kind.CONFLICT, "conflicts", null, key, "was written later").toException();
    assertThat(conflict.key()).contains(key);
    assertThat(conflict.reason()).contains("was written later");
    assertThat(conflict.isRetryable()).isTrue();
    assertThat(Refusal.of(Refusal.Kind.OUTCOME_UNKNOWN, "unknown").toException())
        .isInstanceOf(TxnOutcomeUnknownException.class)
        .satisfies(e -> assertThat(e.isRetryable()).isFalse());
    assertThat(Refusal.of(Refusal.Kind.NOT_LEASEHOLDER, "moved").toException())
        .isInstanceOf(TxnUnavailableException.class)
        .satisfies(e -> assertThat(e.isRetryable()).isTrue());
  }
}
