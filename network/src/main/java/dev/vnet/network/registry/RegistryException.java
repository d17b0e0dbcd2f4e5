package dev.vnet.network.registry;

/** A command the registry refused, with a message for whoever sent it. */
public final class RegistryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final Failure failure;

    public RegistryException(Failure failure, String message) {
        super(message, null, false, false);
        this.failure = failure;
    }

    public Failure failure() {
        return failure;
    }
}
