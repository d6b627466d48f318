package dev.meridian.server.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.server.LocalNode;
import dev.meridian.sql.exec.Session;
import dev.meridian.sql.exec.SqlExecutionException;
import dev.meridian.sql.exec.StatementGuard;
import dev.meridian.storage.rocks.RocksMvccEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQL node on a {@link NodeClock}: while the clock is fenced (here: before its first sync) a
 * transaction is refused with the retryable SQLSTATE 40001 and a message naming why; once the clock
 * syncs, the same statement runs, and {@code /health}'s verdict follows.
 */
class FencedClockRefusesTransactionsTest {

  @TempDir Path dir;

  @Test
  void refusedWithTheReasonWhileFencedAndServedOnceSynced() throws Exception {
    ClockOptions options = new ClockOptions.Builder().build();
    try (NodeClock clock = new NodeClock(1, options);
        LocalNode node = new LocalNode(dir, RocksMvccEngine.Options.defaults(), clock.trueTime())) {
      Session session = node.sqlEngine().openSession();
      assertThat(clock.health("\"nodeId\":1").status()).isEqualTo(503);
      assertThatThrownBy(() -> session.execute("CREATE TABLE t (id INT PRIMARY KEY)", List.of(), StatementGuard.NONE))
          .isInstanceOfSatisfying(SqlExecutionException.class, e -> {
            assertThat(e.sqlState()).isEqualTo("40001");
            assertThat(e.getMessage()).contains("NOT_SYNCED");
          });

      clock.start(null);
      assertThat(clock.awaitTrusted(Duration.ofSeconds(10))).isTrue();
      assertThat(clock.health("\"nodeId\":1").status()).isEqualTo(200);
      session.execute("CREATE TABLE t (id INT PRIMARY KEY)", List.of(), StatementGuard.NONE);
      session.execute("INSERT INTO t VALUES (1)", List.of(), StatementGuard.NONE);
    }
  }
}
