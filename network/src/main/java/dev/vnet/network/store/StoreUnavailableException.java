package dev.vnet.network.store;

/** The store could not be read or written: PostgreSQL is unreachable, too slow, or refused. */
public final class StoreUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(Throwable cause) {
        super("the store (PostgreSQL) is unavailable: " + StoreWriter.rootCause(cause), cause);
    }
}
