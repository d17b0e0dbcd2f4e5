package dev.vnet.bench;

/**
 * One round of the regression check: the throughput (calls/s) of routed, direct and the bare gRPC echo, measured
 * one right after the other, so that the ratios compare loads that ran under the same conditions.
 */
record CheckRound(double routed, double direct, double echo) {

    double routedPerEcho() {
        return routed / echo;
    }

    double directPerEcho() {
        return direct / echo;
    }
}
