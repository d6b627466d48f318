package dev.meridian.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class DriverTest {
  private final Driver driver = new Driver();

  @Test
  void registeredThroughServiceLoaderAndFoundByUrl() throws SQLException {
    assertThat(DriverManager.getDriver("jdbc:meridian://h:1")).isInstanceOf(Driver.class);
  }

  @Test
  void acceptsOnlyMeridianUrlsAndIgnoresOthers() throws SQLException {
    assertThat(driver.acceptsURL("jdbc:meridian://h:1")).isTrue();
    assertThat(driver.acceptsURL("jdbc:avatica:remote:url=http://h:1")).isFalse();
    assertThat(driver.connect("jdbc:h2:mem:x", new Properties())).isNull();
  }

  @Test
  void malformedUrlFailsBeforeAnyNetwork() {
    assertThatThrownBy(() -> driver.connect("jdbc:meridian://h", new Properties()))
        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("08001"));
  }

  @Test
  void propertyInfoListsEveryPropertyWithCurrentValues() throws SQLException {
    Properties info = new Properties();
    info.setProperty("user", "bob");
    DriverPropertyInfo[] props = driver.getPropertyInfo("jdbc:meridian://h:1?readStaleness=10s", info);
    assertThat(Arrays.stream(props).map(p -> p.name)).containsExactly(
        "user", "password", "readStaleness", "connectTimeoutMs", "loginTimeoutMs", "responseTimeoutMs");
    assertThat(props).allSatisfy(p -> assertThat(p.description).isNotBlank());
    assertThat(props[0].value).isEqualTo("bob");
    assertThat(props[2].value).isEqualTo("10s");
    assertThat(props[3].value).isEqualTo("5000");
  }

  @Test
  void versionAndCompliance() {
    assertThat(driver.getMajorVersion()).isZero();
    assertThat(driver.getMinorVersion()).isEqualTo(1);
    assertThat(driver.jdbcCompliant()).isFalse();
  }
}
