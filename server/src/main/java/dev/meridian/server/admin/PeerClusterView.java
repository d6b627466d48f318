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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A {@link ClusterView} of many nodes: the cluster layer says who the members are and how it sees
 * their liveness and epoch; this asks every other member's {@code /api/node} for its own facts, all
 * at once, and lists a member that does not answer (never leaves it out) with the reason. The
 * ranges are derived from the nodes as fetched (the caller says how: until ranges are replicated,
 * each node's own local range).
 *
 * <p>Epoch: the membership's, or the node's own answer where that is larger (a node that just took a
 * new epoch reports it before this node's membership has heard it).
 *
 * <p>Liveness is the cluster's verdict where it has one: a member that answers but that the
 * cluster holds {@code SUSPECT} or {@code DEAD} is shown so (its facts still listed, the verdict's
 * reason first); one that does not answer is {@code DEAD} if the cluster says so and {@code
 * UNREACHABLE} otherwise, with the fetch's failure in the reason.
 *
 * <p>Bound: a snapshot takes at most {@link #SNAPSHOT_BOUND} however many members are down or slow
 * (each fetch runs at once and is cut off there), so the console's page and {@code meridian status}
 * never wait longer on a dead peer.
 */
public final class PeerClusterView implements ClusterView {

  /** How long one member's {@code /api/node} may take (connect, then answer) before it is listed unreachable. */
  public static final Duration FETCH_TIMEOUT = Duration.ofSeconds(2);

  /** The longest a snapshot waits for its slowest member: a fetch's timeout and a little slack. */
  public static final Duration SNAPSHOT_BOUND = FETCH_TIMEOUT.plusMillis(500);

  /**
   * A member as the cluster layer knows it.
   *
   * @param adminUrl where its admin API is, or null while it has not announced one
   * @param verdict the cluster's liveness verdict ({@code LIVE}, {@code SUSPECT} or {@code DEAD})
   * @param epoch its epoch in the membership
   * @param verdictReason why the verdict is not {@code LIVE} (null when it is)
   */
  public record Member(int nodeId, String region, String zone, URI adminUrl, Liveness verdict, long epoch,
      String verdictReason) {
    public Member {
      if (verdict == Liveness.UNREACHABLE) {
        throw new IllegalArgumentException("unreachable is this view's finding, not the cluster's verdict");
      }
    }
  }

  private final String clusterId;
  private final int selfId;
  private final Supplier<Node> self;
  private final Supplier<List<Member>> members;
  private final Function<List<Node>, List<Range>> ranges;
  private final HttpClient http;

  /**
   * @param self this node's own entry (not fetched)
   * @param members every member, this node included
   * @param ranges the ranges, given the nodes as this snapshot found them
   * @param http as {@link #httpClient()} makes: a connect timeout bounds a fetch from a member whose
   *     address drops packets, which the request's own timeout does not cover
   */
  public PeerClusterView(String clusterId, int selfId, Supplier<Node> self, Supplier<List<Member>> members,
      Function<List<Node>, List<Range>> ranges, HttpClient http) {
    this.clusterId = clusterId;
    this.selfId = selfId;
    this.self = self;
    this.members = members;
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
      if (member.nodeId() == selfId) {
        Node node = self.get();
        fetches.add(CompletableFuture.completedFuture(node.asSeen(node.liveness(), member.epoch(), node.reason())));
      } else if (member.adminUrl() == null) {
        fetches.add(CompletableFuture.completedFuture(missing(member, "its admin address is not known yet"
            + " (it announces it once it serves)")));
      } else {
        fetches.add(fetch(member));
      }
    }
    List<Node> nodes = fetches.stream().map(CompletableFuture::join).toList();
    return new Snapshot(FORMAT_VERSION, clusterId, selfId, nodes, ranges.apply(nodes));
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
          // The node is the only source of its own epoch; the membership here lags it by a
          // heartbeat when it just took a new one, and would show the epoch that ended.
          long epoch = node.epoch() == null ? member.epoch() : Math.max(member.epoch(), node.epoch());
          if (member.verdict() == Liveness.LIVE) {
            return node.asSeen(node.liveness(), epoch, node.reason());
          }
          return node.asSeen(member.verdict(), epoch, member.verdictReason()
              + (node.reason() == null ? "" : "; " + node.reason()));
        })
        .orTimeout(SNAPSHOT_BOUND.toMillis(), TimeUnit.MILLISECONDS)
        .exceptionally(failure -> missing(member, "/api/node at " + member.adminUrl() + ": " + describe(failure)));
  }

  /** A member whose facts are missing: dead if the cluster says so, else unreachable; both reasons. */
  private static Node missing(Member member, String why) {
    Liveness liveness = member.verdict() == Liveness.DEAD ? Liveness.DEAD : Liveness.UNREACHABLE;
    String reason = member.verdictReason() == null ? why : member.verdictReason() + "; " + why;
    return Node.unreachable(member.nodeId(), member.region(), member.zone(),
            member.adminUrl() == null ? null : member.adminUrl().toString(), reason)
        .asSeen(liveness, member.epoch(), reason);
  }

  private static String describe(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (cause instanceof TimeoutException) {
      return "no answer within " + SNAPSHOT_BOUND.toMillis() + " ms";
    }
    String message = cause.getMessage();
    return cause.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
  }
}
