package io.interlock.worker.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The body of every error answer: always error, why and next.
 *
 * @param error what went wrong
 * @param why the rule that makes it wrong, or the engine's own reason verbatim (for example why an
 *     approval was refused)
 * @param rule the policy rule involved, when one is
 * @param value the offending value, when one is
 * @param next what to do about it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiError(String error, String why, String rule, String value, String next) {
  public static ApiError of(String error, String why, String next) {
    return new ApiError(error, why, null, null, next);
  }
}
