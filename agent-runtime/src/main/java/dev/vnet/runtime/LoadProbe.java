package dev.vnet.runtime;

import dev.vnet.proto.v1.Load;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/** Measures the agent process's load for its heartbeats: CPU in cores, heap in use, containers running. */
final class LoadProbe {

    private final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();

    Load sample(int containers) {
        double cores = 0;
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            double fraction = sun.getProcessCpuLoad();
            if (fraction >= 0) {
                cores = fraction * os.getAvailableProcessors();
            }
        }
        Runtime runtime = Runtime.getRuntime();
        return Load.newBuilder()
                .setCpu(cores)
                .setMemoryBytes(runtime.totalMemory() - runtime.freeMemory())
                .setContainers(containers)
                .build();
    }
}
