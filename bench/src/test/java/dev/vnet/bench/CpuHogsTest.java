package dev.vnet.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CpuHogsTest {

    @Test
    void hogsSpinUntilClosedAndAreGoneAfterwards() throws Exception {
        List<ProcessHandle> started;
        try (CpuHogs hogs = CpuHogs.start(2)) {
            assertThat(hogs.count()).isEqualTo(2);
            assertThat(hogs.alive()).isEqualTo(2);
            started = ProcessHandle.current().children().toList();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            // Busy processes gather CPU time; on a loaded machine it may take a while to show in /proc.
            while (hogs.cpuSeconds() < 0.05 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(hogs.cpuSeconds()).isGreaterThanOrEqualTo(0.05);
        }
        assertThat(started).hasSize(2).noneMatch(ProcessHandle::isAlive);
    }

    @Test
    void noHogsIsTheIdleReference() throws Exception {
        try (CpuHogs hogs = CpuHogs.start(0)) {
            assertThat(hogs.count()).isZero();
            assertThat(hogs.cpuSeconds()).isZero();
        }
    }
}
