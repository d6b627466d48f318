package dev.meridian.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.SQLException;
import java.sql.SQLSyntaxErrorException;
import java.util.List;
import org.apache.calcite.avatica.AvaticaSqlException;
import org.junit.jupiter.api.Test;

class ServerErrorsTest {

  @Test
  void theReasonComesFromTheServersTrace() {
    // As a node sends it (Avatica 1.29), for a multi-line message.
    String trace = "AvaticaRuntimeException: [Messsage: 'syntax error at line 1, column 8: Incorrect syntax near"
        + " the keyword 'FROM'\nSELECT FROM\n       ^', Error code: '0', SQL State: '42601', Severity: 'ERROR']\n"
        + "\tat dev.meridian.server.sql.MeridianMeta.toAvatica(MeridianMeta.java:734)\n";
    assertThat(ServerErrors.reason(List.of(trace)))
        .isEqualTo("syntax error at line 1, column 8: Incorrect syntax near the keyword 'FROM'\nSELECT FROM\n       ^");
  }

  @Test
  void noTraceNoReason() {
    assertThat(ServerErrors.reason(List.of())).isNull();
    assertThat(ServerErrors.reason(List.of("java.lang.IllegalStateException: x\n\tat a.b(c)"))).isNull();
  }

  @Test
  void anExecuteErrorLosesAvaticasWrapping() {
    AvaticaSqlException avatica = new AvaticaSqlException(
        "Error while executing SQL \"SELECT * FROM t\": Remote driver error: table T does not exist", "42P01", 0,
        List.of("AvaticaRuntimeException: [Messsage: 'table T does not exist', Error code: '0', SQL State: '42P01',"
            + " Severity: 'ERROR']\n\tat x.y(z)"), "node");
    SQLException clean = SqlStates.typed(avatica);
    assertThat((Throwable) clean).isInstanceOf(SQLSyntaxErrorException.class).hasMessage("table T does not exist").hasNoCause();
    assertThat(clean.getSQLState()).isEqualTo("42P01");
    StringWriter printed = new StringWriter();
    clean.printStackTrace(new PrintWriter(printed));
    assertThat(printed.toString()).doesNotContain("Remote driver error", "Messsage", "Error while executing");
  }

  @Test
  void aPrepareErrorTakesTheMessageFromTheTraceAndKeepsTheCode() {
    AvaticaSqlException avatica = new AvaticaSqlException("while preparing SQL: SELECT 1", "40003", 17,
        List.of("AvaticaRuntimeException: [Messsage: 'unknown outcome', Error code: '17', SQL State: '40003',"
            + " Severity: 'ERROR']"), "node");
    SQLException clean = SqlStates.typed(avatica);
    assertThat((Throwable) clean).hasMessage("unknown outcome");
    assertThat(clean.getClass()).isEqualTo(SQLException.class);
    assertThat(clean.getErrorCode()).isEqualTo(17);
    assertThat(clean.getSQLState()).isEqualTo("40003");
  }

  @Test
  void aClientSideFailureKeepsItsMessage() {
    AvaticaSqlException avatica = new AvaticaSqlException("statement is closed", "HY010", 0, List.of(), null);
    assertThat((Object) ServerErrors.clean(avatica)).isNull();
    assertThat((Throwable) SqlStates.typed(avatica)).hasMessageContaining("statement is closed");
  }
}
