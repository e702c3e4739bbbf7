package io.interlock.contract.values;

/**
 * The object a write acts on, as observed when it was previewed. {@code uid} and {@code
 * resourceVersion} are the preconditions execution carries: an object that changed since is not
 * mutated.
 */
public record TargetRef(
    String apiVersion,
    String kind,
    String namespace,
    String name,
    String uid,
    String resourceVersion,
    boolean exists) {}
