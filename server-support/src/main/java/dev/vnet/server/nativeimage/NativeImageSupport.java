package dev.vnet.server.nativeimage;

import java.lang.reflect.Constructor;
import java.util.List;
import org.graalvm.nativeimage.hosted.Feature;
import org.graalvm.nativeimage.hosted.RuntimeReflection;
import org.graalvm.nativeimage.hosted.RuntimeResourceAccess;

/**
 * What a native image of the network or the agent needs and Quarkus cannot infer, because neither application uses
 * Quarkus' gRPC extension (they run grpc-java's own server and channels) and the agent finds its container kinds
 * through {@link java.util.ServiceLoader}:
 *
 * <ul>
 *   <li>the providers of {@link #SERVICES}, and the files that list them, so that {@code ServiceLoader} finds at
 *       run time what it finds on a JVM (container kinds; grpc-java's transports, name resolvers and load
 *       balancers; Jackson's modules for {@code Json});</li>
 *   <li>every protobuf message, builder and enum that the image can reach, with its methods: protobuf's reflective
 *       paths ({@code toString}, {@code getAllFields}, field accessors) look them up by name.</li>
 * </ul>
 *
 * <p>GraalVM runs it at build time: {@code META-INF/native-image/dev.vnet/vnet-server-support/native-image.properties}
 * names it. It is never loaded on a JVM.
 */
public final class NativeImageSupport implements Feature {

    /** Services vnet's code, or a library it calls, looks up with {@code ServiceLoader}. */
    static final List<String> SERVICES = List.of(
            "dev.vnet.runtime.ContainerKind",
            "io.grpc.ManagedChannelProvider",
            "io.grpc.ServerProvider",
            "io.grpc.NameResolverProvider",
            "io.grpc.LoadBalancerProvider",
            "com.fasterxml.jackson.databind.Module");

    private static final List<String> PROTOBUF_TYPES = List.of(
            "com.google.protobuf.GeneratedMessage",
            "com.google.protobuf.GeneratedMessage$Builder",
            "com.google.protobuf.ProtocolMessageEnum");

    @Override
    public String getDescription() {
        return "vnet: ServiceLoader providers and protobuf reflection";
    }

    @Override
    public void beforeAnalysis(BeforeAnalysisAccess access) {
        ClassLoader loader = access.getApplicationClassLoader();
        for (String service : SERVICES) {
            List<String> providers = ServiceProviders.listed(loader, service);
            if (providers.isEmpty()) {
                continue;
            }
            RuntimeResourceAccess.addResource(loader.getUnnamedModule(), ServiceProviders.resource(service));
            for (String provider : providers) {
                Class<?> type = access.findClassByName(provider);
                if (type != null) {
                    registerConstructor(type);
                }
            }
        }
        for (String name : PROTOBUF_TYPES) {
            Class<?> base = access.findClassByName(name);
            if (base != null) {
                access.registerSubtypeReachabilityHandler((duringAnalysis, type) -> registerWithMethods(type), base);
            }
        }
    }

    private static void registerConstructor(Class<?> type) {
        RuntimeReflection.register(type);
        try {
            Constructor<?> constructor = type.getDeclaredConstructor();
            RuntimeReflection.register(constructor);
        } catch (NoSuchMethodException e) {
            // A provider without a no-argument constructor has a static provider() method (named modules only).
            RuntimeReflection.register(type.getDeclaredMethods());
        }
    }

    private static void registerWithMethods(Class<?> type) {
        RuntimeReflection.register(type);
        RuntimeReflection.register(type.getDeclaredMethods());
        RuntimeReflection.register(type.getDeclaredFields());
    }
}
