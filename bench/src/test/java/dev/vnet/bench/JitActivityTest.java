package dev.vnet.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JitActivityTest {

    @Test
    void readsUserAndSystemTicksEvenWhenTheNameHasSpacesAndParentheses() {
        String stat = "4321 (C2 Compiler) x) S 1 4321 4321 0 -1 4194368 120 0 0 0 1500 230 0 0 20 0 1 0 99 0 0";

        assertThat(JitActivity.cpuTicks(stat)).isEqualTo(1730);
    }

    @Test
    void thisJvmHasCompilerThreadsThatHaveWorked() {
        long sum = 0;
        for (int i = 0; i < 200_000; i++) {
            sum += Integer.toString(i).hashCode(); // enough work for the JIT to compile something
        }

        assertThat(sum).isNotZero();
        assertThat(JitActivity.compilerCpuSeconds(ProcessHandle.current().pid())).isPositive();
        assertThat(JitActivity.compilerCpuSeconds(Long.MAX_VALUE)).isZero();
    }
}
