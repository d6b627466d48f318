package dev.meridian.txn;

import dev.meridian.storage.Key;

/** A key and its value as a transaction sees it. */
public record KeyValue(Key key, byte[] value) {}
