package dev.meridian.server.sql;

import dev.meridian.server.admin.NodeMetrics;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.servlet.ServletException;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.apache.calcite.avatica.AvaticaSeverity;
import org.apache.calcite.avatica.remote.ProtobufTranslation;
import org.apache.calcite.avatica.remote.ProtobufTranslationImpl;
import org.apache.calcite.avatica.remote.Service;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.HandlerWrapper;

/**
 * The last line behind Avatica's protobuf handler: whatever escapes it still reaches the client
 * as an Avatica error response (SQLSTATE XX000), never as Jetty's HTML error page.
 *
 * <p>Avatica catches {@link Exception}s only. An {@link Error} (an {@link
 * ExceptionInInitializerError} from generated code, a {@link StackOverflowError} from a deeply
 * nested statement, a {@link LinkageError}) went past it to Jetty, which answered HTTP 500 with
 * HTML; the client read that as a corrupt protobuf message ("not an Avatica protobuf
 * WireMessage") and dropped its connection, and with it the session's open transaction, while the
 * node logged nothing. {@link MeridianMeta} translates Errors itself; this handler is for the
 * rest (a failure while serializing a response, a bug in a path not yet guarded), so that no
 * future failure can break a client's connection again. Each one is logged with its stack trace
 * and counted as an XX000 error in the node's metrics.
 */
public final class ErrorBoundaryHandler extends HandlerWrapper {

  private static final Logger LOG = Logger.getLogger(ErrorBoundaryHandler.class.getName());

  static final String SQLSTATE = "XX000";

  private final ProtobufTranslation translation = new ProtobufTranslationImpl();
  private final NodeMetrics metrics;
  private volatile Service.RpcMetadataResponse serverAddress;

  public ErrorBoundaryHandler(NodeMetrics metrics) {
    this.metrics = metrics;
  }

  /** The address Avatica's responses carry; set once the port is known. */
  public void setServerRpcMetadata(Service.RpcMetadataResponse metadata) {
    this.serverAddress = metadata;
  }

  @Override
  public void handle(String target, Request baseRequest, HttpServletRequest request, HttpServletResponse response)
      throws IOException, ServletException {
    try {
      super.handle(target, baseRequest, request, response);
    } catch (RuntimeException | Error | ServletException e) {
      LOG.log(Level.SEVERE, "internal error escaped the SQL endpoint's handler; answering " + SQLSTATE, e);
      metrics.error(SQLSTATE);
      if (response.isCommitted()) {
        throw e;
      }
      String message = "internal error on the node: " + e + "; the statement's outcome is unknown,"
          + " the node logged it with its stack trace";
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      byte[] body = translation.serializeResponse(new Service.ErrorResponse(List.of(trace.toString()), message,
          0, SQLSTATE, AvaticaSeverity.ERROR, serverAddress));
      response.reset();
      response.setStatus(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
      response.setContentType("application/octet-stream;charset=utf-8");
      response.getOutputStream().write(body);
      baseRequest.setHandled(true);
    }
  }
}
