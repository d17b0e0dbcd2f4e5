package dev.vnet.server.nativeimage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceProvidersTest {

    @TempDir
    Path dir;

    @Test
    void readsEveryFileOnTheClassPathSkippingCommentsAndBlankLinesAndRepeats() throws IOException {
        Path first = listing("first", "# kinds\ndev.example.Echo\n\n  dev.example.Kv  # the store\n");
        Path second = listing("second", "dev.example.Kv\ndev.example.Chat\n");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {first.toUri().toURL(), second.toUri().toURL()},
                null)) {
            assertThat(ServiceProviders.listed(loader, "dev.example.Kind"))
                    .containsExactly("dev.example.Echo", "dev.example.Kv", "dev.example.Chat");
        }
    }

    @Test
    void aServiceNoFileListsHasNoProviders() throws IOException {
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
            assertThat(ServiceProviders.listed(loader, "dev.example.Kind")).isEmpty();
        }
    }

    @Test
    void theGrpcServicesTheNativeImageRegistersAreTheOnesGrpcJavaLists() {
        ClassLoader loader = getClass().getClassLoader();
        assertThat(NativeImageSupport.SERVICES).filteredOn(service -> service.startsWith("io.grpc."))
                .allSatisfy(service -> assertThat(ServiceProviders.listed(loader, service)).as(service).isNotEmpty());
        assertThat(ServiceProviders.listed(loader, "io.grpc.ManagedChannelProvider"))
                .contains("io.grpc.netty.shaded.io.grpc.netty.NettyChannelProvider");
    }

    private Path listing(String root, String content) throws IOException {
        Path file = dir.resolve(root).resolve(ServiceProviders.resource("dev.example.Kind"));
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return dir.resolve(root);
    }
}
