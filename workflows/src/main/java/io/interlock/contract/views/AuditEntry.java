package io.interlock.contract.views;

import io.interlock.contract.values.AuditKind;
import java.util.Map;

/**
 * One line of the audit trail.
 *
 * @param seq 1-based, gap-free across continue-as-new
 * @param at ISO-8601 workflow time
 * @param kind what happened; on the wire its name (PROPOSED, POLICY, APPROVED, REFUSED, ...)
 * @param actor who caused it (the requester, an approver, or {@code engine})
 */
public record AuditEntry(
    long seq, String at, String stepId, AuditKind kind, String actor, Map<String, Object> detail) {}
