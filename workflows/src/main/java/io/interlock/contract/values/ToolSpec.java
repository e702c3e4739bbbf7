package io.interlock.contract.values;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A tool's registry entry. {@code effect} is derived by the registry from what the tool implements,
 * never taken from a request.
 *
 * @param verification how a write is verified, in words
 * @param argsSchema JSON Schema of the arguments
 */
public record ToolSpec(
    String name,
    Effect effect,
    boolean idempotent,
    boolean destructive,
    String description,
    String verification,
    JsonNode argsSchema) {}
