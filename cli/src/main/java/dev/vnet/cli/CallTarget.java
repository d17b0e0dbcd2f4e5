package dev.vnet.cli;

import picocli.CommandLine.Parameters;

/** The positional arguments of commands that call a container: UUID OP [JSON]. */
final class CallTarget {

    @Parameters(index = "0", paramLabel = "UUID", description = "The container.")
    String uuid;

    @Parameters(index = "1", paramLabel = "OP", description = "The operation.")
    String operation;

    @Parameters(index = "2", paramLabel = "JSON", arity = "0..1", description = "The payload, as JSON.")
    String payload;
}
