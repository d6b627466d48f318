package dev.meridian.server.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.server.admin.NodeMetrics;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.apache.calcite.avatica.remote.ProtobufTranslationImpl;
import org.apache.calcite.avatica.remote.Service;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.AbstractHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An Error that escapes the Avatica handler (as an ExceptionInInitializerError from generated
 * code once did) reaches the client as an Avatica error response it can read, not as Jetty's HTML
 * error page that made the driver drop its connection.
 */
class ErrorBoundaryHandlerTest {

  private final NodeMetrics metrics = new NodeMetrics();
  private Server server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.stop();
    }
  }

  private int start(RuntimeException runtime, Error error) throws Exception {
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ErrorBoundaryHandler boundary = new ErrorBoundaryHandler(metrics);
    boundary.setHandler(new AbstractHandler() {
      @Override
      public void handle(String target, Request baseRequest, HttpServletRequest request, HttpServletResponse response) {
        if (error != null) {
          throw error;
        }
        throw runtime;
      }
    });
    server.setHandler(boundary);
    server.start();
    return connector.getLocalPort();
  }

  private Service.ErrorResponse post(int port) throws Exception {
    HttpURLConnection http = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/").toURL().openConnection();
    http.setRequestMethod("POST");
    http.setDoOutput(true);
    http.getOutputStream().write(new byte[] {1, 2, 3});
    assertThat(http.getResponseCode()).isEqualTo(500);
    assertThat(http.getContentType()).startsWith("application/octet-stream");
    try (InputStream body = http.getErrorStream()) {
      return (Service.ErrorResponse) new ProtobufTranslationImpl().parseResponse(body.readAllBytes());
    }
  }

  @Test
  void anEscapingErrorBecomesAnAvaticaErrorResponse() throws Exception {
    int port = start(null, new ExceptionInInitializerError(new ArithmeticException("/ by zero")));
    Service.ErrorResponse response = post(port);
    assertThat(response.sqlState).isEqualTo("XX000");
    assertThat(response.errorMessage).contains("ExceptionInInitializerError").contains("outcome is unknown");
    assertThat(response.exceptions.get(0)).contains("ArithmeticException: / by zero");
    assertThat(metrics.render(gauges())).contains("meridian_statement_errors_total{sqlstate=\"XX000\"} 1");
  }

  @Test
  void anEscapingRuntimeExceptionToo() throws Exception {
    Service.ErrorResponse response = post(start(new IllegalStateException("serializing failed"), null));
    assertThat(response.sqlState).isEqualTo("XX000");
    assertThat(response.errorMessage).contains("serializing failed");
  }

  private static NodeMetrics.Gauges gauges() {
    return new NodeMetrics.Gauges() {
      @Override
      public long sessionsOpen() {
        return 0;
      }

      @Override
      public dev.meridian.sql.exec.SqlEngine.PlanCacheStats planCache() {
        return new dev.meridian.sql.exec.SqlEngine.PlanCacheStats(0, 0, 0, 0, 0);
      }

      @Override
      public long epsilonMicros() {
        return 0;
      }

      @Override
      public long uptimeMillis() {
        return 0;
      }
    };
  }
}
