package dev.meridian.storage.rocks;

/** One key and its value read from a {@link RawFamily}. The arrays are the caller's. */
public record RawEntry(byte[] key, byte[] value) {}
