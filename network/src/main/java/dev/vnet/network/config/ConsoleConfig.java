package dev.vnet.network.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * The operator console and its HTTP API ({@code /api/v1}, docs/CONSOLE.md), under {@code vnet.console}. They share
 * the coordinator's HTTP port ({@code quarkus.http.port}) and its security ({@code vnet.security.*}).
 */
@ConfigMapping(prefix = "vnet.console")
public interface ConsoleConfig {

    /**
     * Events held for one slow reader of {@code /api/v1/events} (1 to 1 000 000). A reader that falls this far
     * behind has its stream ended and reconnects (the console then reloads what it shows), rather than holding
     * the coordinator's memory.
     */
    @WithDefault("4096")
    int eventBuffer();

    /**
     * Where operators reach this replica's console, e.g. {@code https://vnet-1.example.com/}, recorded with the
     * leadership so that a standby's console links to the leader's. Default: {@code http://} the advertised host
     * ({@code vnet.network.advertised-host}) and the HTTP port.
     */
    Optional<String> url();

    /** How often {@code /api/v1/events} sends an {@code overview} event (counts and routed requests so far). */
    @WithDefault("2s")
    Duration overviewInterval();
}
