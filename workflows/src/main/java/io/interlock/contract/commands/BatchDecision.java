package io.interlock.contract.commands;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.interlock.contract.values.ApprovalProof;
import io.interlock.workflows.proof.BatchStatement;

/**
 * Signal {@code batch} and update {@code decideBatch}: one batch statement and its one proof, sent
 * unchanged to every task it lists ({@code interlock sign --batch} prints it). Each task decides
 * only its own entries.
 *
 * @param proof over the statement's digest; its issuedAt/expiresAt are the statement's
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BatchDecision(BatchStatement statement, ApprovalProof proof) {}
