package dev.vnet.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The regression check's committed reference ({@code bench/check-baseline.json}): the ratios routed/echo and
 * direct/echo of the best rounds a build measured, when, with which command and at which load, and the median
 * throughputs of its rounds (for the reader: only the ratios are compared, since they do not depend on the
 * machine's speed).
 */
record CheckBaseline(String date, String command, double load1, int inFlight, int payloadBytes,
        double routedPerEcho, double directPerEcho, Map<String, Double> medianCallsPerSecond) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static CheckBaseline read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UsageError("no baseline at " + file + ": make one with 'bin/vnet bench check --write-baseline' "
                    + "on a quiet machine, or give --baseline FILE");
        }
        try {
            return JSON.readValue(file.toFile(), CheckBaseline.class);
        } catch (IOException e) {
            throw new UsageError("cannot read the baseline " + file + ": " + e.getMessage());
        }
    }

    void write(Path file) {
        try {
            Files.writeString(file, JSON.writeValueAsString(this) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the baseline " + file, e);
        }
    }
}
