package dev.meridian.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(10)
class MeridianUrlParserTest {

  @Test
  void parsesOneHost() throws SQLException {
    MeridianUrl url = MeridianUrlParser.parse("jdbc:meridian://db1.example:7000");
    assertThat(url.hosts()).containsExactly(new HostAndPort("db1.example", 7000));
    assertThat(url.properties()).isEmpty();
  }

  @Test
  void parsesHostsInOrderWithIpv6AndProperties() throws SQLException {
    MeridianUrl url = MeridianUrlParser.parse(
        "jdbc:meridian://b:2,[::1]:3,a:1/?readStaleness=10s&password=p%26w+x%3D");
    assertThat(url.hosts()).containsExactly(
        new HostAndPort("b", 2), new HostAndPort("::1", 3), new HostAndPort("a", 1));
    assertThat(url.hosts().get(1)).hasToString("[::1]:3");
    assertThat(url.properties()).isEqualTo(Map.of("readStaleness", "10s", "password", "p&w+x="));
  }

  @Test
  void acceptsOnlyTheMeridianPrefix() {
    assertThat(MeridianUrlParser.isMeridianUrl("jdbc:meridian://h:1")).isTrue();
    assertThat(MeridianUrlParser.isMeridianUrl("jdbc:meridian:whatever")).isTrue();
    assertThat(MeridianUrlParser.isMeridianUrl("jdbc:avatica:remote:url=http://h:1")).isFalse();
    assertThat(MeridianUrlParser.isMeridianUrl("jdbc:postgresql://h:1/db")).isFalse();
    assertThat(MeridianUrlParser.isMeridianUrl(null)).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      jdbc:meridian:h:1                         | must start with jdbc:meridian://
      jdbc:meridian://                          | missing host
      jdbc:meridian://?user=a                   | missing host
      jdbc:meridian://a:1,,b:2                  | missing host: host #2 is empty
      jdbc:meridian://:7000                     | missing host: host #1 ':7000' has a port but no host
      jdbc:meridian://db1                       | missing port: host #1 'db1'
      jdbc:meridian://a:1,db2                   | missing port: host #2 'db2'
      jdbc:meridian://db1:                      | bad port '' for host #1
      jdbc:meridian://db1:http                  | bad port 'http' for host #1
      jdbc:meridian://db1:0                     | bad port '0'
      jdbc:meridian://db1:65536                 | bad port '65536'
      jdbc:meridian://db1:-5                    | bad port '-5'
      jdbc:meridian://[::1                      | never closes it
      jdbc:meridian://[::1]7000                 | expected ':' and a port
      jdbc:meridian://db 1:7000                 | not a valid host name
      jdbc:meridian://db1:7000/mydb             | a path is not allowed
      jdbc:meridian://db1:7000?user             | 'user' must be written name=value
      jdbc:meridian://db1:7000?=x               | '=x' must be written name=value
      jdbc:meridian://db1:7000?a=1&&b=2         | empty property
      jdbc:meridian://db1:7000?user=a&user=b    | 'user' is given twice
      jdbc:meridian://db1:7000?password=%zz     | bad percent-escape
      """)
  void malformedUrlsAre08001NamingTheProblem(String url, String problem) {
    assertThatThrownBy(() -> MeridianUrlParser.parse(url))
        .isInstanceOfSatisfying(SQLException.class, e -> {
          assertThat(e.getSQLState()).isEqualTo("08001");
          assertThat(e.getMessage()).contains("Malformed Meridian JDBC URL", problem);
        });
  }

  @Test
  void errorMessagesDoNotShowThePassword() {
    assertThatThrownBy(() -> MeridianUrlParser.parse("jdbc:meridian://db1?password=secret"))
        .hasMessageNotContaining("secret")
        .hasMessageContaining("password=***");
  }

  @Test
  void hostsAreKeptAsAList() throws SQLException {
    List<HostAndPort> hosts = MeridianUrlParser.parse("jdbc:meridian://a:1,a:1").hosts();
    assertThat(hosts).hasSize(2);
  }
}
