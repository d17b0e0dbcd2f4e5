package dev.vnet.runtime;

import dev.vnet.proto.v1.ContainerType;

/**
 * A kind of container an agent can create: its name and its factory.
 *
 * <p>The standalone agent finds kinds on its class path through {@link java.util.ServiceLoader}: list the
 * implementation in {@code META-INF/services/dev.vnet.runtime.ContainerKind}. Embedding code passes them to
 * {@link AgentRuntime.Builder#kind}.
 */
public interface ContainerKind {

    /** The kind's name, e.g. "chat": lower-case letters, digits, '.', '_' or '-'. */
    String name();

    /** Creates a container; may block (it runs on a worker thread). A failure is reported to the caller of get. */
    Container create(ContainerContext context) throws Exception;

    default Threading threading() {
        return Threading.SERIAL;
    }

    /**
     * Self-fencing of this kind's containers of {@code type}: when the agent has been out of touch with the network
     * for longer than the alive timeout (the network fell silent, or this process was frozen), such containers stop
     * serving — direct calls included — until the agent has registered again and dropped the copies the network
     * moved meanwhile. On by default for {@code ha} and stateless containers, which the network moves when it
     * declares their agent dead, so that a stale copy never answers; off for standard ones, which never move, unless
     * {@link #selfFencing()} says yes. A kind whose moved copies may still answer (a read-only cache, say) opts out
     * by returning false here.
     */
    default boolean selfFencing(ContainerType type) {
        return selfFencing() || type == ContainerType.CONTAINER_TYPE_HA
                || type == ContainerType.CONTAINER_TYPE_STATELESS;
    }

    /** Self-fencing for all of this kind's containers, standard ones too; see {@link #selfFencing(ContainerType)}. */
    default boolean selfFencing() {
        return false;
    }
}
