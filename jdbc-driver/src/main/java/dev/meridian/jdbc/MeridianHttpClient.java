package dev.meridian.jdbc;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import org.apache.calcite.avatica.remote.AvaticaHttpClient;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.HttpHostConnectException;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * The HTTP transport of one JDBC connection: posts Avatica protobuf messages to one host, and
 * never to another (the server keeps the session, so the connection is bound to its host).
 *
 * <p>It replaces Avatica's own client because that one re-sends a request when the server closes
 * the socket without answering, and loops on HTTP 503 without bound: either can run a statement
 * twice. Here a request is sent at most once. Any failure of the transport breaks the connection:
 * the failing request raises SQLSTATE 08006 (its outcome is unknown), every later one 08003,
 * except that closing statements and the connection then succeeds locally, as JDBC expects.
 *
 * <p>Timeouts: until the server first answers (the open-connection handshake), a request is bounded
 * by the attempt's connect timeout, for the TCP connect and again for the answer, so a host that
 * accepts connections but never answers (a paused process) is skipped; afterwards the answer is
 * bounded by {@code responseTimeoutMs} (0: no bound).
 *
 * <p>Every connection of the driver shares one connection pool, bounded by {@link #MAX_POOLED};
 * pooled sockets idle for more than {@link #VALIDATE_AFTER_IDLE_MS} are checked before reuse, so a
 * socket the server closed while idle is not mistaken for a failure.
 */
final class MeridianHttpClient implements AvaticaHttpClient {
  /** Upper bound on open HTTP connections of the whole driver (a request holds one at a time). */
  static final int MAX_POOLED = 1024;

  static final long VALIDATE_AFTER_IDLE_MS = 500;

  private static final CloseableHttpClient SHARED = createSharedClient();

  private final HostAndPort host;
  private final URI uri;
  private final long attemptTimeoutMs;
  private final long responseTimeoutMs;
  private final Object lock = new Object();
  private boolean answered;
  private String brokenBecause;

  MeridianHttpClient(HostAndPort host, long attemptTimeoutMs, long responseTimeoutMs) {
    this.host = host;
    this.uri = URI.create(host.httpUrl());
    this.attemptTimeoutMs = attemptTimeoutMs;
    this.responseTimeoutMs = responseTimeoutMs;
  }

  private static CloseableHttpClient createSharedClient() {
    PoolingHttpClientConnectionManager pool = PoolingHttpClientConnectionManagerBuilder.create()
        .setMaxConnTotal(MAX_POOLED)
        .setMaxConnPerRoute(MAX_POOLED)
        .setDefaultConnectionConfig(ConnectionConfig.custom()
            .setValidateAfterInactivity(TimeValue.ofMilliseconds(VALIDATE_AFTER_IDLE_MS))
            .build())
        .build();
    return HttpClients.custom()
        .setConnectionManager(pool)
        .disableAutomaticRetries()
        .disableRedirectHandling()
        .disableCookieManagement()
        .disableAuthCaching()
        .build();
  }

  @Override
  public byte[] send(byte[] request) {
    // Avatica issues one request at a time per connection; the lock keeps the state consistent
    // if an application shares a connection between threads anyway.
    synchronized (lock) {
      if (brokenBecause != null) {
        byte[] closed = WireNames.closedLocally(request);
        if (closed != null) {
          return closed;
        }
        throw new TransportException(host, brokenBecause, false, SqlStates.CONNECTION_DOES_NOT_EXIST,
            "Connection to Meridian host " + host + " is broken (" + brokenBecause
                + "); open a new connection");
      }
      HttpPost post = new HttpPost(uri);
      try {
        post.setEntity(new ByteArrayEntity(WireNames.toServer(request), ContentType.APPLICATION_OCTET_STREAM));
        HttpClientContext context = HttpClientContext.create();
        context.setRequestConfig(requestConfig());
        byte[] body = SHARED.execute(post, context, response -> {
          int status = response.getCode();
          if (status != 200 && status != 500) {
            // Avatica answers errors as 500 with an ErrorResponse body; anything else is not it.
            throw new IOException("unexpected HTTP status " + status + " " + response.getReasonPhrase());
          }
          return EntityUtils.toByteArray(response.getEntity());
        });
        byte[] answer = WireNames.fromServer(body);
        answered = true;
        return answer;
      } catch (IOException | RuntimeException e) {
        throw breakOn(e);
      }
    }
  }

  @SuppressWarnings("deprecation") // per-request connect timeout: the pool is shared by all hosts
  private RequestConfig requestConfig() {
    Timeout response = answered
        ? (responseTimeoutMs == 0 ? Timeout.DISABLED : Timeout.ofMilliseconds(responseTimeoutMs))
        : Timeout.ofMilliseconds(attemptTimeoutMs);
    return RequestConfig.custom()
        .setConnectTimeout(Timeout.ofMilliseconds(attemptTimeoutMs))
        .setConnectionRequestTimeout(Timeout.ofMilliseconds(attemptTimeoutMs))
        .setResponseTimeout(response)
        .setRedirectsEnabled(false)
        .build();
  }

  private TransportException breakOn(Exception e) {
    boolean handshake = !answered;
    String detail = describe(e);
    brokenBecause = detail;
    String message = handshake
        ? "Could not open a session on Meridian host " + host + ": " + detail
        : "Lost connection to Meridian host " + host + ": " + detail + ". The connection is now "
            + "closed and the request's outcome is unknown: the driver does not re-run it. "
            + "Open a new connection, and check whether the work took effect before retrying.";
    TransportException failure =
        new TransportException(host, detail, handshake, SqlStates.CONNECTION_FAILURE, message);
    failure.initCause(e);
    return failure;
  }

  static String describe(Throwable e) {
    if (e instanceof HttpHostConnectException || e instanceof ConnectException) {
      return "connection refused (" + e.getMessage() + ")";
    }
    if (e instanceof ConnectTimeoutException) {
      return "connect timed out (" + e.getMessage() + ")";
    }
    if (e instanceof SocketTimeoutException) {
      return "no answer within the timeout (" + e.getMessage() + ")";
    }
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
