package dev.switchboard.model;

/**
 * The limits one holder (a key, its user or its team) sets; every field null when unset.
 *
 * @param id the holder's id (key alias or name, user_id, team_id), for messages and counters
 */
public record Quota(
    String id,
    Integer rpmLimit,
    Integer tpmLimit,
    Integer maxParallelRequests,
    Double maxBudget,
    String budgetDuration) {
}
