package io.interlock.activities.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Manifests, Redaction and YamlDiff")
class ManifestsTest {
  static JsonNode json(String s) {
    try {
      return Json.MAPPER.readTree(s.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  @Test
  @DisplayName(
      "given a merge patch, its inverse from the before-state should restore the before-state")
  void mergePatchInverse() {
    JsonNode before = json("{'spec':{'a':1,'b':{'c':2},'list':[1,2]},'keep':true}");
    JsonNode patch = json("{'spec':{'a':5,'b':{'d':3},'list':[9],'e':null,'f':'new'}}");

    JsonNode after = Manifests.mergePatch(before, patch);
    JsonNode restored = Manifests.mergePatch(after, Manifests.inverseMergePatch(before, patch));

    assertThat(after)
        .isEqualTo(json("{'spec':{'a':5,'b':{'c':2,'d':3},'list':[9],'f':'new'},'keep':true}"));
    assertThat(restored).isEqualTo(before);
  }

  @Test
  @DisplayName("given a snapshot, forRecreate should strip identity, status and ownership")
  void sanitized() {
    JsonNode snap =
        json(
            "{'kind':'ConfigMap','metadata':{'name':'a','uid':'u','resourceVersion':'7','creationTimestamp':'t',"
                + "'managedFields':[{}],'ownerReferences':[{}],'labels':{'x':'y'}},'data':{'k':'v'},'status':{}}");

    assertThat(Manifests.forRecreate(snap))
        .isEqualTo(
            json(
                "{'kind':'ConfigMap','metadata':{'name':'a','labels':{'x':'y'}},'data':{'k':'v'}}"));
  }

  @Test
  @DisplayName(
      "given a Secret list without item kinds, redaction should still blank every value and the last-applied annotation")
  void redactsListItems() {
    JsonNode list =
        json(
            "{'kind':'SecretList','items':[{'metadata':{'name':'s','annotations':{'"
                + Redaction.LAST_APPLIED
                + "':'{data:{p:c2VjcmV0}}'}},'data':{'p':'c2VjcmV0'},'stringData':{'q':'plain'}}]}");

    String text = Json.text(Redaction.redact(list));

    assertThat(text)
        .doesNotContain("c2VjcmV0", "plain")
        .contains("\"p\":\"<redacted>\"", "\"q\":\"<redacted>\"");
  }

  @Test
  @DisplayName(
      "given two objects, the diff should be unified, key-sorted and free of server bookkeeping")
  void diff() {
    JsonNode live =
        json(
            "{'metadata':{'name':'a','resourceVersion':'1','managedFields':[{}]},'spec':{'replicas':2},'status':{'x':1}}");
    JsonNode intended =
        json("{'spec':{'replicas':3},'metadata':{'resourceVersion':'2','name':'a'}}");

    String d = YamlDiff.of("ns/a", live, intended);

    assertThat(d)
        .startsWith("--- live/ns/a\n+++ intended/ns/a\n@@")
        .contains("-  replicas: 2\n+  replicas: 3")
        .doesNotContain("resourceVersion", "managedFields", "status");
    assertThat(YamlDiff.of("ns/a", live, live)).isEmpty();
  }
}
