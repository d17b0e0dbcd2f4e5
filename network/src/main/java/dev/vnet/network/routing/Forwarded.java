package dev.vnet.network.routing;

/** What became of a call handed to an agent link. */
public enum Forwarded {
    /** On its way to the agent. */
    SENT,
    /** The link has ended (the agent just went away): the call should wait for the container's next activation. */
    GONE,
    /** The agent is too far behind reading its stream: the call is refused (RESOURCE_EXHAUSTED). */
    BEHIND
}
