package dev.meridian.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Logger;
import org.apache.calcite.avatica.AvaticaClientRuntimeException;

/**
 * The Meridian JDBC driver: {@code jdbc:meridian://host:port[,host:port…][?property=value&…]}.
 *
 * <p>A thin client on Avatica's remote driver, speaking Avatica protobuf over HTTP to the server's
 * endpoint at {@code http://host:port/}. It adds the URL format and its properties
 * ({@link ConnectionProperty}), multi-host failover on connect ({@link ConnectRetryPolicy}), and a
 * transport that never re-sends a request ({@link MeridianHttpClient}), and what Avatica's protocol
 * lacks ({@link SqlErrorProxy}): SQLSTATEs on every failure, query timeouts, and {@code
 * Statement.cancel()} ({@link CancelChannel}). The connection it returns is Avatica's, bound to the
 * one host that accepted it.
 *
 * <p>Registered with {@link DriverManager} through {@code META-INF/services/java.sql.Driver} and
 * when this class loads.
 */
public final class Driver implements java.sql.Driver {

  /** The driver's version, from the build (the project version this jar was built as). */
  public static final int MAJOR_VERSION = BuildVersion.driver().major();
  public static final int MINOR_VERSION = BuildVersion.driver().minor();

  private static final String AVATICA_PREFIX = org.apache.calcite.avatica.remote.Driver.CONNECT_STRING_PREFIX;

  /** Avatica's remote driver, used directly and never through DriverManager. */
  private static final org.apache.calcite.avatica.remote.Driver AVATICA = new org.apache.calcite.avatica.remote.Driver();

  static {
    try {
      DriverManager.registerDriver(new Driver());
      hideRelocatedAvaticaDriver();
    } catch (SQLException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * Loading Avatica's remote driver registers it with DriverManager. In the shaded jar that copy is
   * private to this driver, and left registered it would answer {@code jdbc:avatica:remote:} URLs
   * in place of the application's own Avatica; so it is taken out again. Unshaded, it is Avatica's
   * own registration and stays.
   */
  private static void hideRelocatedAvaticaDriver() throws SQLException {
    if (!WireNames.relocated()) {
      return;
    }
    for (java.sql.Driver d : Collections.list(DriverManager.getDrivers())) {
      if (d.getClass() == org.apache.calcite.avatica.remote.Driver.class) {
        DriverManager.deregisterDriver(d);
      }
    }
  }

  @Override
  public boolean acceptsURL(String url) {
    return MeridianUrlParser.isMeridianUrl(url);
  }

  @Override
  public Connection connect(String url, Properties info) throws SQLException {
    if (!acceptsURL(url)) {
      return null; // JDBC: another driver's URL
    }
    DriverConfig config = DriverConfig.from(MeridianUrlParser.parse(url), info);
    ConnectRetryPolicy policy = new ConnectRetryPolicy(config.connectTimeoutMs(), config.loginTimeoutMs());
    return new FailoverConnector(policy, (host, timeoutMs) -> openOn(host, timeoutMs, config))
        .connect(config.hosts());
  }

  /** Opens an Avatica session on one host, bounded by {@code timeoutMs}. */
  private static Connection openOn(HostAndPort host, long timeoutMs, DriverConfig config)
      throws SQLException {
    String avaticaUrl = AVATICA_PREFIX
        + "url=" + host.httpUrl()
        + ";serialization=protobuf"
        + ";httpclient_factory=" + MeridianHttpClientFactory.class.getName()
        // Re-opening a lost session behind the application's back would lose its transaction.
        + ";transparent_reconnection=false"
        + ";http_connection_timeout=" + timeoutMs
        + ";http_response_timeout=" + config.responseTimeoutMs();
    try {
      Properties properties = config.serverProperties();
      return SqlErrorProxy.wrap(AVATICA.connect(avaticaUrl, properties),
          () -> AVATICA.connect(avaticaUrl, properties));
    } catch (AvaticaClientRuntimeException e) {
      // Either the server's answer (a refusal such as 53300, said in the server's own words) or a
      // transport failure, which carries no server message and whose cause FailoverConnector reads.
      SQLException refused = ServerErrors.clean(e);
      throw refused != null ? refused : SqlStates.of(e.getMessage(), e.getSqlState(), e.getErrorCode(), e);
    }
  }

  @Override
  public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
    Map<String, String> fromUrl = acceptsURL(url) ? MeridianUrlParser.parse(url).properties() : Map.of();
    List<DriverPropertyInfo> answer = new ArrayList<>();
    for (ConnectionProperty p : ConnectionProperty.values()) {
      String value = fromUrl.get(p.key());
      if (value == null && info != null) {
        value = info.getProperty(p.key());
      }
      DriverPropertyInfo d = new DriverPropertyInfo(p.key(), value != null ? value : p.defaultValue());
      d.description = p.description();
      d.required = false;
      answer.add(d);
    }
    return answer.toArray(new DriverPropertyInfo[0]);
  }

  @Override
  public int getMajorVersion() {
    return MAJOR_VERSION;
  }

  @Override
  public int getMinorVersion() {
    return MINOR_VERSION;
  }

  /** Not compliant: Avatica's remote driver does not pass the JDBC compliance suite. */
  @Override
  public boolean jdbcCompliant() {
    return false;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException("the Meridian driver does not log through java.util.logging");
  }
}
