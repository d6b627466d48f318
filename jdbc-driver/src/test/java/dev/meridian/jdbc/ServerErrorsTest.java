package dev.meridian.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PrepareErrorsTest {

  @Test
  void theReasonComesFromTheServersTrace() {
    // As a node sends it (Avatica 1.29), for a multi-line message.
    String trace = "AvaticaRuntimeException: [Messsage: 'syntax error at line 1, column 8: Incorrect syntax near"
        + " the keyword 'FROM'\nSELECT FROM\n       ^', Error code: '0', SQL State: '42601', Severity: 'ERROR']\n"
        + "\tat dev.meridian.server.sql.MeridianMeta.toAvatica(MeridianMeta.java:734)\n";
    assertThat(PrepareErrors.reason(List.of(trace)))
        .isEqualTo("syntax error at line 1, column 8: Incorrect syntax near the keyword 'FROM'\nSELECT FROM\n       ^");
  }

  @Test
  void noTraceNoReason() {
    assertThat(PrepareErrors.reason(List.of())).isNull();
    assertThat(PrepareErrors.reason(List.of("java.lang.IllegalStateException: x\n\tat a.b(c)"))).isNull();
  }
}
