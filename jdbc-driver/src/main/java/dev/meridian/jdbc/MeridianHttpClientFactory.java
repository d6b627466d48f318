package dev.meridian.jdbc;

import java.net.URL;
import org.apache.calcite.avatica.ConnectionConfig;
import org.apache.calcite.avatica.remote.AvaticaHttpClient;
import org.apache.calcite.avatica.remote.AvaticaHttpClientFactory;
import org.apache.calcite.avatica.remote.KerberosConnection;

/**
 * Hands Avatica a {@link MeridianHttpClient}. Avatica instantiates this class by name (the
 * {@code httpclient_factory} connection property) and passes the attempt's timeouts through the
 * standard {@code http_connection_timeout} and {@code http_response_timeout} properties.
 */
public final class MeridianHttpClientFactory implements AvaticaHttpClientFactory {

  @Override
  public AvaticaHttpClient getClient(URL url, ConnectionConfig config, KerberosConnection kerberos) {
    HostAndPort host = new HostAndPort(stripBrackets(url.getHost()), url.getPort());
    return new MeridianHttpClient(host, config.getHttpConnectionTimeout(), config.getHttpResponseTimeout());
  }

  private static String stripBrackets(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }
}
