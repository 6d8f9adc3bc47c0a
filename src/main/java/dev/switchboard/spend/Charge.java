package dev.switchboard.spend;

/**
 * One budget holder a request's cost counts toward, in the period the request started in.
 *
 * @param holder            {@code key:<sha-256>}, {@code user:<id>}, {@code team:<id>} or {@code proxy}
 * @param periodStartMillis when that period began (0 for a budget that never resets)
 */
public record Charge(String holder, long periodStartMillis) {
}
