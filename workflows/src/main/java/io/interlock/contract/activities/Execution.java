package io.interlock.contract.activities;

import com.fasterxml.jackson.databind.JsonNode;

/** What a write did: the target before and after (redacted), and the tool's own result. */
public record Execution(
    JsonNode before, JsonNode after, JsonNode result, String startedAt, String finishedAt) {}
