package dev.meridian.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(10)
class DriverConfigTest {

  private static DriverConfig config(String url, Properties info) throws SQLException {
    return DriverConfig.from(MeridianUrlParser.parse(url), info);
  }

  @Test
  void defaults() throws SQLException {
    DriverConfig c = config("jdbc:meridian://h:1", null);
    assertThat(c.connectTimeoutMs()).isEqualTo(5000);
    assertThat(c.loginTimeoutMs()).isEqualTo(30000);
    assertThat(c.responseTimeoutMs()).isEqualTo(180000);
    assertThat(c.serverProperties()).isEmpty();
  }

  @Test
  void urlOverridesPropertiesAndOnlySessionPropertiesGoToTheServer() throws SQLException {
    Properties info = new Properties();
    info.setProperty("user", "alice");
    info.setProperty("password", "pw");
    info.setProperty("readStaleness", "1s");
    DriverConfig c = config("jdbc:meridian://h:1?readStaleness=10s&connectTimeoutMs=250", info);
    assertThat(c.connectTimeoutMs()).isEqualTo(250);
    Properties server = c.serverProperties();
    assertThat(server.stringPropertyNames()).containsExactlyInAnyOrder("user", "password", "readStaleness");
    assertThat(server.getProperty("readStaleness")).isEqualTo("10s");
    assertThat(server.getProperty("user")).isEqualTo("alice");
  }

  @Test
  void unknownPropertiesAreErrorsWhereverTheyComeFrom() {
    assertThatThrownBy(() -> config("jdbc:meridian://h:1?readStalenes=10s", null))
        .isInstanceOfSatisfying(SQLException.class, e -> {
          assertThat(e.getSQLState()).isEqualTo("08001");
          assertThat(e.getMessage()).contains("Unknown connection property 'readStalenes' in the URL",
              "readStaleness", "connectTimeoutMs");
        });
    Properties info = new Properties();
    info.setProperty("ssl", "true");
    assertThatThrownBy(() -> config("jdbc:meridian://h:1", info))
        .isInstanceOfSatisfying(SQLException.class, e -> {
          assertThat(e.getSQLState()).isEqualTo("08001");
          assertThat(e.getMessage()).contains("'ssl' in the connection Properties");
        });
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      connectTimeoutMs=0       | connectTimeoutMs '0' must be a whole number of milliseconds, at least 1
      connectTimeoutMs=fast    | connectTimeoutMs 'fast'
      loginTimeoutMs=-1        | loginTimeoutMs '-1'
      responseTimeoutMs=1.5    | responseTimeoutMs '1.5'
      readStaleness=10         | readStaleness '10' must be strong, 0, or a whole number and a unit
      readStaleness=1234567890s | readStaleness '1234567890s'
      readStaleness=10sec      | readStaleness '10sec'
      readStaleness=-1s        | readStaleness '-1s'
      """)
  void badValuesAre08001(String property, String problem) {
    assertThatThrownBy(() -> config("jdbc:meridian://h:1?" + property, null))
        .isInstanceOfSatisfying(SQLException.class, e -> {
          assertThat(e.getSQLState()).isEqualTo("08001");
          assertThat(e.getMessage()).contains(problem);
        });
  }

  /** The server's SET READ_STALENESS grammar, which the driver once refused in part (strong, 0). */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"strong", "STRONG", "0", "10s", "500ms", "5 m", "1H", "999999999h"})
  void stalenessTakesWhatTheServerTakes(String value) throws SQLException {
    Properties info = new Properties();
    info.setProperty("readStaleness", value);
    assertThat(config("jdbc:meridian://h:1", info).serverProperties().getProperty("readStaleness")).isEqualTo(value);
  }

  @Test
  void responseTimeoutZeroMeansNoBound() throws SQLException {
    assertThat(config("jdbc:meridian://h:1?responseTimeoutMs=0", null).responseTimeoutMs()).isZero();
  }

}
