package dev.meridian.server.admin;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * A {@link ClusterView} of many nodes: the cluster layer says who the members are, how it sees
 * their liveness and what the ranges are; this asks every other member's {@code /api/node} for its
 * own facts, all at once and each within {@link #FETCH_TIMEOUT}, and lists a member that does not
 * answer as {@link ClusterView.Liveness#UNREACHABLE} with the reason (never leaves it out). It is the
 * seam for M5: {@code SingleNodeClusterView} is what a node without members uses.
 *
 * <p>Liveness is the cluster's verdict where it has one: a member that answers but that the
 * cluster's liveness holds {@code SUSPECT} or {@code DEAD} is shown so (its facts still listed);
 * one that does not answer is unreachable whatever the cluster says. A snapshot takes at most about
 * one fetch timeout, however many members are down.
 */
public final class PeerClusterView implements ClusterView {

  /** How long one member's {@code /api/node} may take before it is listed unreachable. */
  public static final Duration FETCH_TIMEOUT = Duration.ofSeconds(2);

  /** A member as the cluster layer knows it: where its admin API is. */
  public record Member(int nodeId, String region, String zone, URI adminUrl) {}

  private final String clusterId;
  private final int selfId;
  private final Supplier<Node> self;
  private final Supplier<List<Member>> members;
  private final IntFunction<Liveness> liveness;
  private final Supplier<List<Range>> ranges;
  private final HttpClient http;

  /**
   * @param self this node's own entry (not fetched)
   * @param members every member, this node included
   * @param liveness the cluster's verdict on a member ({@code LIVE} where it has none)
   * @param ranges the range directory's descriptors and leaseholders
   * @param http as {@link #httpClient()} makes: a connect timeout bounds a fetch from a member whose
   *     address drops packets, which the request's own timeout does not cover
   */
  public PeerClusterView(String clusterId, int selfId, Supplier<Node> self, Supplier<List<Member>> members,
      IntFunction<Liveness> liveness, Supplier<List<Range>> ranges, HttpClient http) {
    this.clusterId = clusterId;
    this.selfId = selfId;
    this.self = self;
    this.members = members;
    this.liveness = liveness;
    this.ranges = ranges;
    this.http = http;
  }

  /** An HTTP client for this view: connecting to a member takes at most {@link #FETCH_TIMEOUT}. */
  public static HttpClient httpClient() {
    return HttpClient.newBuilder().connectTimeout(FETCH_TIMEOUT).build();
  }

  @Override
  public Snapshot snapshot() {
    List<CompletableFuture<Node>> fetches = new ArrayList<>();
    for (Member member : members.get()) {
      fetches.add(member.nodeId() == selfId ? CompletableFuture.completedFuture(self.get()) : fetch(member));
    }
    List<Node> nodes = fetches.stream().map(CompletableFuture::join).toList();
    return new Snapshot(FORMAT_VERSION, clusterId, selfId, nodes, ranges.get());
  }

  private CompletableFuture<Node> fetch(Member member) {
    HttpRequest request = HttpRequest.newBuilder(member.adminUrl().resolve("/api/node")).timeout(FETCH_TIMEOUT).GET()
        .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .thenApply(response -> {
          if (response.statusCode() != 200) {
            throw new CompletionException(new java.io.IOException("/api/node answered " + response.statusCode()));
          }
          try {
            return ClusterJson.readNode(response.body());
          } catch (java.io.IOException e) {
            throw new CompletionException(e);
          }
        })
        .thenApply(node -> {
          if (node.nodeId() != member.nodeId()) {
            throw new CompletionException(new java.io.IOException(member.adminUrl() + " is node " + node.nodeId()
                + ", not node " + member.nodeId()));
          }
          Liveness verdict = liveness.apply(member.nodeId());
          return verdict == Liveness.LIVE ? node : new Node(node.nodeId(), node.region(), node.zone(), verdict,
              node.serving(), node.clock(), node.epsilonMicros(), node.version(), node.sqlUrl(), node.adminUrl(),
              node.uptimeMillis(), node.reason(), node.stats());
        })
        .exceptionally(failure -> Node.unreachable(member.nodeId(), member.region(), member.zone(),
            member.adminUrl().toString(), describe(failure)));
  }

  private static String describe(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    String message = cause.getMessage();
    return cause.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
  }
}
