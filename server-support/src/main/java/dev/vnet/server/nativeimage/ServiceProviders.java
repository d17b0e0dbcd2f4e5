package dev.vnet.server.nativeimage;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The providers that {@link java.util.ServiceLoader} would find for a service, read from every
 * {@code META-INF/services/<service>} file on a class path, in the files' syntax (one class name a line, {@code #}
 * starts a comment). A native image must register these ahead of time: Quarkus turns GraalVM's automatic
 * registration off, and only registers the services of its own extensions.
 */
public final class ServiceProviders {

    private ServiceProviders() {}

    /** The resource that lists a service's providers. */
    public static String resource(String service) {
        return "META-INF/services/" + service;
    }

    /** The class names of the service's providers, in class-path order, each once; none when no file lists any. */
    public static List<String> listed(ClassLoader loader, String service) {
        Set<String> providers = new LinkedHashSet<>();
        try {
            for (URL file : Collections.list(loader.getResources(resource(service)))) {
                try (BufferedReader reader = new BufferedReader(
                        new InputStreamReader(file.openStream(), StandardCharsets.UTF_8))) {
                    reader.lines().map(ServiceProviders::className).filter(name -> !name.isEmpty())
                            .forEach(providers::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource(service), e);
        }
        return List.copyOf(providers);
    }

    private static String className(String line) {
        int comment = line.indexOf('#');
        return (comment >= 0 ? line.substring(0, comment) : line).trim();
    }
}
