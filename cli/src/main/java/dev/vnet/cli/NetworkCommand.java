package dev.vnet.cli;

import dev.vnet.client.VnetClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that talks to a network: it gets the shared options and a client closed when it is done. */
abstract class NetworkCommand implements Callable<Integer> {

    @Mixin
    ClientOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        try (VnetClient client = needsSession() ? options.connectedClient() : options.client()) {
            run(client, new Output(spec.commandLine().getOut()));
        }
        return 0;
    }

    /** Whether the command gets, requests or sends (and so needs an open session before it starts). */
    boolean needsSession() {
        return false;
    }

    abstract void run(VnetClient client, Output out) throws Exception;

    /** Where notes for the person at the terminal go, so that standard output stays what was asked for. */
    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
