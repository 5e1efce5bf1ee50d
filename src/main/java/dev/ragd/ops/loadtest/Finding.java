package dev.ragd.ops.loadtest;

/**
 * One conclusion of a {@link Diagnosis}.
 *
 * @param resource what saturated (or what is left to suspect), e.g. {@code replica CPU}
 * @param evidence the numbers that led to it, in plain language
 * @param knob     what to turn, e.g. {@code scale out replicas}
 * @param atUsers  the smallest user count at which the evidence showed; 0 when it is about the whole run
 */
public record Finding(String resource, String evidence, String knob, int atUsers) {}
