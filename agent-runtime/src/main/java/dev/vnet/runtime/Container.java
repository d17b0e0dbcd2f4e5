package dev.vnet.runtime;

import dev.vnet.proto.v1.Payload;

/**
 * A running service instance hosted by an agent: the code vnet users write.
 *
 * <p>The agent runtime calls these methods according to the kind's {@link Threading}: by default one at a time
 * (actor style), so a container needs no locks for its own state. An exception from {@link #request} reaches the
 * caller as an error carrying its message; the container keeps running.
 */
public interface Container {

    /**
     * Handles one call and returns the answer ({@code Json.encode(value)} makes one from any value; an empty
     * payload, or null, means "no data"). For a one-way call the answer is dropped.
     */
    Payload request(Call call) throws Exception;

    /** A client connected: {@code broadcaster} sends it messages until it disconnects. */
    default void connect(String clientId, Broadcaster broadcaster) throws Exception {}

    /** A client disconnected (or its connection broke); its broadcaster is closed. */
    default void disconnect(String clientId) throws Exception {}

    /** The container is being stopped: release what it holds. No call comes after this. */
    default void terminate() throws Exception {}

    /**
     * For a stateless container: this copy became the active one, with activation {@code epoch}. Calls reach it
     * only after this returns. Standby copies are created at start-up and wait for this.
     */
    default void activate(long epoch) throws Exception {}

    /** For a stateless container: this copy went back to standby (another copy is active now); calls stop coming. */
    default void standby() throws Exception {}
}
