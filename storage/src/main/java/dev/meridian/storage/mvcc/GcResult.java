package dev.meridian.storage.mvcc;

import dev.meridian.storage.Timestamp;

/** What one garbage collection pass did. */
public record GcResult(Timestamp horizon, long versionsRemoved, long keysVisited) {}
