package dev.meridian.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class BatchErrorsTest {

  @Test
  void aFailedStatementGivesOneCountForEachBeforeIt() {
    SQLException server = new SQLException("statement 601 of the batch of 1000 failed: duplicate", "23505", 601);
    SQLException failure = BatchErrors.of("executeBatch", server);
    assertThat((Throwable) failure).isInstanceOf(BatchUpdateException.class).hasMessage(server.getMessage())
        .hasCauseInstanceOf(java.sql.SQLIntegrityConstraintViolationException.class);
    assertThat(failure.getSQLState()).isEqualTo("23505");
    BatchUpdateException batch = (BatchUpdateException) failure;
    assertThat(batch.getUpdateCounts()).hasSize(600).containsOnly(Statement.SUCCESS_NO_INFO);
    assertThat(batch.getLargeUpdateCounts()).hasSize(600);
  }

  @Test
  void aFailedCommitMarksEveryStatementFailed() {
    BatchUpdateException batch = (BatchUpdateException) BatchErrors.of("executeLargeBatch",
        new SQLException("the commit of the batch of 5 statements failed", "40001", -5));
    assertThat(batch.getLargeUpdateCounts()).hasSize(5).containsOnly((long) Statement.EXECUTE_FAILED);
  }

  @Test
  void anErrorNotLocatedInTheBatchStaysAsItIs() {
    SQLException broken = new SQLException("connection lost", "08006", 0);
    assertThat((Object) BatchErrors.of("executeBatch", broken)).isSameAs(broken);
  }
}
