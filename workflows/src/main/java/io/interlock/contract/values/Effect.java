package io.interlock.contract.values;

/** What a tool does to the world, as its registry entry declares it. */
public enum Effect {
  READ,
  WRITE
}
