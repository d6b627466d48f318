package dev.meridian.txn.directory;

import static dev.meridian.txn.directory.TestKeys.parse;
import static dev.meridian.txn.directory.TestKeys.render;

import dev.meridian.runtime.NodeId;
import dev.meridian.runtime.testing.DataDrivenScript;
import dev.meridian.storage.Key;
import dev.meridian.storage.KeySpan;
import dev.meridian.storage.mvcc.Direction;
import dev.meridian.txn.KeyValue;
import dev.meridian.txn.directory.MetaLookups.MetaScan;
import dev.meridian.txn.directory.MultiRangeScan.PieceRequest;
import dev.meridian.txn.directory.MultiRangeScan.ScanLimits;
import dev.meridian.txn.directory.MultiRangeScan.Step;
import dev.meridian.txn.directory.RangeCache.CachedRange;
import dev.meridian.txn.types.RangeDescriptor;
import dev.meridian.txn.types.RangeId;
import dev.meridian.txn.types.ReplicaDescriptor;
import dev.meridian.txn.types.ReplicaRole;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Datadriven scripts under {@code src/test/resources/directory}: a cluster's meta range (the truth),
 * one node's cache and lookup core fed from it, splits planned and applied, and scans driven step by
 * step. Keys are written in {@link TestKeys}' notation. Commands:
 *
 * <pre>
 *   bootstrap [cache=N]                      the three bootstrap ranges on n1 us-east, n2 eu-west, n3 ap-south
 *   create-table id=T                        the splits CREATE TABLE adds, planned and applied
 *   split at=K                               plan and apply one split (the node's cache is not told)
 *   show-ranges [table=T] [hex]              SHOW RANGES [FROM TABLE] from the meta range
 *   lookup key=K | lookup-before key=K|MAX   through the lookup core
 *   deliver-meta | fail-meta id=N            answer (from the meta range) or fail pending meta scans
 *   cache                                    the cache's entries and counters
 *   cache-insert id=R start=K end=K|MAX gen=G
 *   not-leaseholder range=R gen=G [hint=N] | range-not-found range=R gen=G
 *   stale-generation range=R gen=G           with the meta range's descriptors over the cached span
 *   put table=T pks=A..B                     rows t T/1/pk
 *   scan start=K end=K|MAX dir=fwd|rev [limit=N] window=W buffer=B batch=S
 *   poll                                     one step of the scan
 *   answer piece=P [max=M]                   the range answers piece P (or redirects it if stale)
 *   redirect-not-found piece=P               the node answers piece P with range-not-found
 *   run                                      poll and answer everything, oldest first, until done
 * </pre>
 */
class DirectoryScenarioTest {

  static final Path DIR = Path.of("src/test/resources/directory");

  @TestFactory
  Stream<DynamicTest> scripts() throws IOException {
    return DataDrivenScript.testsIn(DIR, () -> new Interpreter()::execute);
  }

  static final class Interpreter {
    private static final List<ReplicaDescriptor> REPLICAS = List.of(
        new ReplicaDescriptor(new NodeId(1), "us-east", ReplicaRole.VOTER),
        new ReplicaDescriptor(new NodeId(2), "eu-west", ReplicaRole.VOTER),
        new ReplicaDescriptor(new NodeId(3), "ap-south", ReplicaRole.VOTER));

    private ScanWorld world;
    private RangeCache cache;
    private MetaLookups lookups;
    private SplitPlanner planner;
    private long nextRangeId = ClusterKeySpace.FIRST_ALLOCATED_RANGE_ID;
    private final Map<Long, MetaScan> metaInFlight = new LinkedHashMap<>();
    private MultiRangeScan scan;
    private final Map<Long, PieceRequest> pieces = new LinkedHashMap<>();

    List<String> execute(String line) {
      String[] words = line.trim().split("\\s+");
      Map<String, String> args = new HashMap<>();
      for (int i = 1; i < words.length; i++) {
        int eq = words[i].indexOf('=');
        args.put(eq < 0 ? words[i] : words[i].substring(0, eq), eq < 0 ? "" : words[i].substring(eq + 1));
      }
      List<String> out = new ArrayList<>();
      switch (words[0]) {
        case "bootstrap" -> {
          DirectoryLimits limits = DirectoryLimits.defaults()
              .withMaxCachedRanges(Integer.parseInt(args.getOrDefault("cache", "100")));
          List<RangeDescriptor> ranges = ClusterKeySpace.bootstrap(REPLICAS);
          world = new ScanWorld(ranges);
          cache = new RangeCache(ranges.getFirst(), limits);
          lookups = new MetaLookups(cache, new DirectoryLimits(limits.maxKeyBytes(), limits.maxReplicas(),
              limits.maxRegionBytes(), limits.maxCachedRanges(), 2, 2));
          planner = new SplitPlanner(limits, TestKeys.SHAPE);
          showRanges(out, KeySpan.all(), TestKeys.RENDERER);
        }
        case "create-table" -> {
          long table = Long.parseLong(args.get("id"));
          for (Key key : ClusterKeySpace.splitsForNewTable(table, ClusterKeySpace.boundaries(world.descriptors()))) {
            split(key, out);
          }
        }
        case "split" -> split(parse(args.get("at")), out);
        case "show-ranges" -> showRanges(out,
            args.containsKey("table") ? ClusterKeySpace.tableSpan(Long.parseLong(args.get("table"))) : KeySpan.all(),
            args.containsKey("hex") ? HexKeyRenderer.INSTANCE : TestKeys.RENDERER);
        case "lookup" -> out.add(outcome(lookups.lookup(parse(args.get("key")))));
        case "lookup-before" -> out.add(outcome(lookups.lookupBefore(end(args.get("key")))));
        case "deliver-meta" -> {
          for (MetaScan metaScan : List.copyOf(metaInFlight.values())) {
            metaInFlight.remove(metaScan.requestId());
            List<MetaLookups.MetaEntry> entries = world.scanMeta(metaScan);
            MetaLookups.Answer answer = lookups.onScanResult(metaScan.requestId(), entries);
            out.add("#" + metaScan.requestId() + ": " + entries.size() + " entries, " + switch (answer) {
              case MetaLookups.Answer.Found found -> "found " + cached(found.range());
              case MetaLookups.Answer.Failed failed -> "failed: " + failed.reason();
            });
          }
          if (scan != null) {
            scan.onLookupAnswered();
          }
        }
        case "fail-meta" -> {
          long id = Long.parseLong(args.get("id"));
          metaInFlight.remove(id);
          lookups.onScanFailed(id);
          if (scan != null) {
            scan.onLookupAnswered();
          }
        }
        case "cache" -> {
          for (CachedRange range : cache.snapshot()) {
            out.add(cached(range));
          }
          RangeCache.Stats s = cache.stats();
          out.add("hits=" + s.hits() + " misses=" + s.misses() + " evictions=" + s.evictions()
              + " replaced=" + s.replaced() + " stale-refused=" + s.staleRefused()
              + " invalidations=" + s.invalidations() + " size=" + s.size());
        }
        case "cache-insert" -> out.add(cache.insert(new RangeDescriptor(new RangeId(Long.parseLong(args.get("id"))),
            new KeySpan(parse(args.get("start")), end(args.get("end"))), REPLICAS,
            Long.parseLong(args.get("gen")))).toString());
        case "not-leaseholder" -> cache.apply(new RoutingError.NotLeaseholder(range(args), gen(args),
            args.containsKey("hint") ? new NodeId(Integer.parseInt(args.get("hint"))) : null));
        case "range-not-found" -> cache.apply(new RoutingError.RangeNotFound(range(args), gen(args)));
        case "stale-generation" -> {
          RangeId id = range(args);
          KeySpan cachedSpan = cache.snapshot().stream().filter(c -> c.descriptor().id().equals(id))
              .findFirst().orElseThrow().descriptor().span();
          cache.apply(new RoutingError.StaleGeneration(id, gen(args),
              world.descriptors().stream().filter(d -> d.span().overlaps(cachedSpan)).toList()));
        }
        case "put" -> {
          long table = Long.parseLong(args.get("table"));
          String[] bounds = args.get("pks").split("\\.\\.");
          for (long pk = Long.parseLong(bounds[0]); pk <= Long.parseLong(bounds[1]); pk++) {
            Key key = parse("t" + table + "/1/" + pk);
            world.rows.put(key, new byte[0]);
          }
        }
        case "scan" -> {
          scan = new MultiRangeScan(new KeySpan(parse(args.get("start")), end(args.get("end"))),
              args.get("dir").equals("rev") ? Direction.REVERSE : Direction.FORWARD,
              args.containsKey("limit") ? Long.parseLong(args.get("limit")) : Long.MAX_VALUE,
              new ScanLimits(Integer.parseInt(args.get("window")), Integer.parseInt(args.get("buffer")),
                  Integer.parseInt(args.get("batch")), 8));
          pieces.clear();
        }
        case "poll" -> poll(out);
        case "answer" -> answer(Long.parseLong(args.get("piece")),
            args.containsKey("max") ? Integer.parseInt(args.get("max")) : Integer.MAX_VALUE, out);
        case "redirect-not-found" -> {
          PieceRequest request = pieces.remove(Long.parseLong(args.get("piece")));
          cache.apply(new RoutingError.RangeNotFound(request.range().id(), request.range().generation()));
          scan.onRedirect(request.pieceId());
        }
        case "run" -> {
          List<String> released = new ArrayList<>();
          for (int round = 0; round < 1_000; round++) {
            Step step = scan.poll(cache);
            step.rows().forEach(row -> released.add(render(row.key())));
            step.cancel().forEach(pieces::remove);
            step.send().forEach(request -> pieces.put(request.pieceId(), request));
            if (step.lookup() != null) {
              outcome(step.lookup().before() ? lookups.lookupBefore(step.lookup().key())
                  : lookups.lookup(step.lookup().key()));
            }
            if (step.done()) {
              out.add("rows " + String.join(" ", released));
              MultiRangeScan.Stats s = scan.stats();
              out.add("requests=" + s.requests() + " redirects=" + s.redirects() + " released="
                  + s.rowsReleased() + " max-held=" + s.maxHeldRows());
              return out;
            }
            if (!metaInFlight.isEmpty()) {
              execute("deliver-meta");
            } else if (!pieces.isEmpty()) {
              answer(pieces.keySet().iterator().next(), Integer.MAX_VALUE, new ArrayList<>());
            } else {
              scan.onLookupAnswered();
            }
          }
          throw new AssertionError("scan did not finish in 1000 rounds");
        }
        default -> throw new IllegalArgumentException("unknown command " + words[0]);
      }
      return out;
    }

    private void split(Key key, List<String> out) {
      try {
        SplitPlanner.SplitPlan plan = planner.plan(world.descriptors(), key, new RangeId(nextRangeId));
        nextRangeId++;
        for (MetaLayout.MetaWrite write : plan.metaWrites()) {
          world.meta.put(write.key(), write.value());
        }
        out.add("split " + plan.command().range() + "@g" + plan.command().generation() + " at "
            + render(plan.command().splitKey()) + ": " + describe(plan.left()) + " + " + describe(plan.right()));
        for (MetaLayout.MetaWrite write : plan.metaWrites()) {
          Key end = MetaLayout.endKeyOf(write.key());
          out.add("  meta put " + (end == null ? "END" : render(end)) + " -> "
              + describe(DescriptorCodec.decode(write.value(), DirectoryLimits.defaults())));
        }
      } catch (SplitRefusedException refused) {
        out.add("refused " + refused.reason() + " (" + refused.sqlState() + "): " + refused.getMessage());
      }
    }

    private void showRanges(List<String> out, KeySpan filter, KeyRenderer renderer) {
      Map<RangeId, NodeId> leaseholders = new HashMap<>();
      for (CachedRange range : cache.snapshot()) {
        if (range.leaseholder() != null) {
          leaseholders.put(range.descriptor().id(), range.leaseholder());
        }
      }
      out.add(String.join(" | ", ShowRanges.COLUMNS));
      for (ShowRanges.RangeRow row : ShowRanges.rows(world.descriptors(), leaseholders::get, filter)) {
        out.add(String.join(" | ", ShowRanges.render(row, renderer)));
      }
    }

    private void poll(List<String> out) {
      Step step = scan.poll(cache);
      for (PieceRequest request : step.send()) {
        pieces.put(request.pieceId(), request);
        out.add("send p" + request.pieceId() + " " + request.range().id() + "@g" + request.range().generation()
            + " " + TestKeys.render(request.span()) + " max=" + request.maxRows());
      }
      for (long cancelled : step.cancel()) {
        pieces.remove(cancelled);
        out.add("cancel p" + cancelled);
      }
      if (step.lookup() != null) {
        out.add("lookup" + (step.lookup().before() ? "-before " : " ")
            + (step.lookup().key() == null ? "MAX" : render(step.lookup().key())) + ": "
            + outcome(step.lookup().before() ? lookups.lookupBefore(step.lookup().key())
                : lookups.lookup(step.lookup().key())));
      }
      if (!step.rows().isEmpty()) {
        out.add("rows " + String.join(" ", step.rows().stream().map(KeyValue::key).map(TestKeys::render).toList()));
      }
      if (step.done()) {
        out.add("done");
      }
      if (out.isEmpty()) {
        out.add("idle");
      }
    }

    private void answer(long piece, int max, List<String> out) {
      PieceRequest request = pieces.remove(piece);
      RoutingError error = world.check(request);
      if (error != null) {
        cache.apply(error);
        scan.onRedirect(piece);
        out.add("p" + piece + ": redirected (" + error.getClass().getSimpleName() + ")");
        return;
      }
      ScanWorld.Answer answer = world.serve(request, Math.min(max, request.maxRows()));
      scan.onRows(piece, answer.rows(), answer.resume());
      out.add("p" + piece + ": " + answer.rows().size() + " rows, "
          + (answer.resume() == null ? "finished" : "resume at " + render(answer.resume())));
    }

    private String outcome(MetaLookups.Outcome outcome) {
      return switch (outcome) {
        case MetaLookups.Outcome.Found found -> "hit " + cached(found.range());
        case MetaLookups.Outcome.Pending pending when pending.send() == null -> "joins #" + pending.requestId();
        case MetaLookups.Outcome.Pending pending -> {
          MetaScan send = pending.send();
          metaInFlight.put(send.requestId(), send);
          Key end = MetaLayout.endKeyOf(send.start());
          yield "miss: meta scan #" + send.requestId() + " to " + send.target() + " from entry "
              + entry(end) + " max=" + send.maxEntries();
        }
      };
    }

    private static String cached(CachedRange range) {
      return describe(range.descriptor()) + (range.leaseholder() == null ? "" : " lh=" + range.leaseholder());
    }

    private static String describe(RangeDescriptor d) {
      return d.id() + " " + TestKeys.render(d.span()) + " g" + d.generation();
    }

    /** An entry's end key; a successor (the forward lookup's scan start) as {@code K+} . */
    private static String entry(Key end) {
      if (end == null) {
        return "END";
      }
      byte[] bytes = end.unsafeBytes();
      if (bytes.length > 0 && bytes[bytes.length - 1] == 0) {
        return render(Key.of(java.util.Arrays.copyOf(bytes, bytes.length - 1))) + "+";
      }
      return render(end);
    }

    private static Key end(String text) {
      return text.equals("MAX") ? null : parse(text);
    }

    private static RangeId range(Map<String, String> args) {
      return new RangeId(Long.parseLong(args.get("range")));
    }

    private static long gen(Map<String, String> args) {
      return Long.parseLong(args.get("gen"));
    }
  }
}
