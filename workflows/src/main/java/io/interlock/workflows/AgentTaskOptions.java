package io.interlock.workflows;

import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DataConverterException;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.worker.WorkflowImplementationOptions;

/**
 * How workers register {@link io.interlock.workflows.gate.AgentTaskImpl} and read its payloads: the
 * same in production and in tests.
 */
public final class AgentTaskOptions {
  private static final DataConverter DATA_CONVERTER =
      DefaultDataConverter.newDefaultInstance()
          .withPayloadConverterOverrides(new StrictJsonPayloadConverter());

  private AgentTaskOptions() {}

  /**
   * A start input that cannot be read (a number as text, a step that is null) fails the task at
   * once with the reason, instead of failing its first workflow task again and again forever.
   */
  public static WorkflowImplementationOptions implementation() {
    return WorkflowImplementationOptions.newBuilder()
        .setFailWorkflowExceptionTypes(DataConverterException.class)
        .build();
  }

  /**
   * How Interlock's clients and workers convert payloads: the SDK's defaults, JSON read strictly.
   */
  public static DataConverter dataConverter() {
    return DATA_CONVERTER;
  }
}
