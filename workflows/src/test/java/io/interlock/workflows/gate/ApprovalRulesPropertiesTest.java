package io.interlock.workflows.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.interlock.contract.values.ApprovalProof;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;

/** Whatever a caller sends, what the engine stores about it stays small and prints safely. */
class ApprovalRulesPropertiesTest {
  @Property(tries = 10_000)
  @Label("caller text as shown in a refusal is short and has no control characters")
  void shownIsBoundedAndSafe(@ForAll @StringLength(max = 5_000) String s) {
    String shown = ApprovalRules.shown(s);
    assertThat(shown.length()).isLessThanOrEqualTo(110);
    assertThat(shown.chars().noneMatch(Character::isISOControl)).isTrue();
  }

  @Property(tries = 10_000)
  @Label("an approval is refused as too long exactly when one of its fields passes its bound")
  void tooLongExactly(
      @ForAll @StringLength(max = 300) String id,
      @ForAll @StringLength(max = 3_000) String comment,
      @ForAll @StringLength(max = 20_000) String signature) {
    ApprovalProof proof =
        ApprovalProof.ssh(signature, "2026-11-30T19:00:00Z", "2026-11-30T19:10:00Z");
    boolean over =
        id.length() > ApprovalRules.MAX_ID
            || comment.length() > ApprovalRules.MAX_TEXT
            || signature.length() > ApprovalRules.MAX_PROOF;
    assertThat(ApprovalRules.tooLong(id, "sha256:x", "alice", comment, null, proof) != null)
        .isEqualTo(over);
  }
}
