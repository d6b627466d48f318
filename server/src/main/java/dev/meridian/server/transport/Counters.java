package dev.meridian.server.transport;

import java.util.concurrent.atomic.LongAdder;

/** The transport's counters, written from any thread; {@link TransportStats} documents each. */
final class Counters {
  final LongAdder sent = new LongAdder();
  final LongAdder received = new LongAdder();
  final LongAdder dropped = new LongAdder();
  final LongAdder reconnects = new LongAdder();
  final LongAdder streamsDialed = new LongAdder();
  final LongAdder streamsAccepted = new LongAdder();
  final LongAdder handshakesRefused = new LongAdder();
  final LongAdder malformedFrames = new LongAdder();
}
