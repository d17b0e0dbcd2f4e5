package dev.vnet.it.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The Kubernetes resources of one manifest file (YAML documents separated by {@code ---}), as JSON trees. */
final class Manifest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Path file;
    private final List<JsonNode> resources;

    private Manifest(Path file, List<JsonNode> resources) {
        this.file = file;
        this.resources = resources;
    }

    static Manifest read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new AssertionError(file + " does not exist: package network and agent first (mvn -B package)");
        }
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            List<JsonNode> resources = new ArrayList<>();
            while (documents.hasNext()) {
                JsonNode document = documents.next();
                // An empty document (a file that starts with ---) is no resource.
                if (document != null && !document.isMissingNode() && !document.isNull()) {
                    resources.add(document);
                }
            }
            return new Manifest(file, List.copyOf(resources));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + file, e);
        }
    }

    List<JsonNode> resources() {
        return resources;
    }

    /** The one resource of this kind and name; fails when there is none or more than one. */
    JsonNode resource(String kind, String name) {
        List<JsonNode> found = resources.stream()
                .filter(r -> kind.equals(r.path("kind").asText()) && name.equals(r.path("metadata").path("name").asText()))
                .toList();
        if (found.size() != 1) {
            throw new AssertionError(file + " has " + found.size() + " " + kind + " named " + name + ", expected 1");
        }
        return found.get(0);
    }

    /** The container of that name in the pod template of the Deployment of that name. */
    JsonNode container(String deployment, String container) {
        for (JsonNode candidate : resource("Deployment", deployment).path("spec").path("template").path("spec")
                .path("containers")) {
            if (container.equals(candidate.path("name").asText())) {
                return candidate;
            }
        }
        throw new AssertionError(file + ": Deployment " + deployment + " has no container " + container);
    }
}
