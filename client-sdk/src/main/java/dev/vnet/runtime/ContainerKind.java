package dev.vnet.runtime;

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
     * Self-fencing: when the agent has not heard from the network for longer than the alive timeout, it stops
     * serving this kind's containers (direct calls included) until it is registered again. The network will have
     * declared the agent dead and may have activated the containers elsewhere; a kind whose copies must never both
     * answer says yes here. Off by default.
     */
    default boolean selfFencing() {
        return false;
    }
}
