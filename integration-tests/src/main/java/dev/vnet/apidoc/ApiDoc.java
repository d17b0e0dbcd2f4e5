package dev.vnet.apidoc;

import dev.vnet.apidoc.ProtoFile.Message;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes docs/API.md, the API reference, from the comments in the {@code .proto} files. It lives with the
 * integration tests because it is build tooling that reads the whole repository and ships in no artifact; it needs
 * nothing but the JDK, so it runs straight from the compiled classes:
 *
 * <pre>java -cp integration-tests/target/classes dev.vnet.apidoc.ApiDoc [repository root]</pre>
 *
 * {@code ApiDocTest} renders the same text in memory and fails while the committed file differs.
 */
public final class ApiDoc {

    /** What a developer runs from the repository root to bring docs/API.md up to date. */
    public static final String COMMAND = "java -cp integration-tests/target/classes dev.vnet.apidoc.ApiDoc";
    /** Where the {@code .proto} files are, under the repository root; import paths are relative to it. */
    public static final Path PROTO_ROOT = Path.of("proto/src/main/proto");
    /** The reference, under the repository root. */
    public static final Path OUTPUT = Path.of("docs/API.md");

    private ApiDoc() {}

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        List<ProtoFile> files = parse(root);
        Path output = root.resolve(OUTPUT);
        Files.writeString(output, render(files), StandardCharsets.UTF_8);
        System.out.println("wrote " + output + " from " + files.size() + " .proto files");
        System.out.println(undocumented(files));
    }

    /** Every {@code .proto} file under the proto root, parsed, in path order. */
    public static List<ProtoFile> parse(Path root) {
        Path protoRoot = root.resolve(PROTO_ROOT);
        if (!Files.isDirectory(protoRoot)) {
            throw new IllegalArgumentException(protoRoot + " does not exist: give the repository root as argument, "
                    + "or run from it");
        }
        try (Stream<Path> paths = Files.walk(protoRoot)) {
            return paths.filter(p -> p.toString().endsWith(".proto")).sorted().map(p -> {
                String importPath = protoRoot.relativize(p).toString().replace('\\', '/');
                try {
                    return ProtoParser.parse(importPath, Files.readString(p, StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + p, e);
                }
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + protoRoot, e);
        }
    }

    /** The reference for these files, exactly as docs/API.md should read. */
    public static String render(List<ProtoFile> files) {
        String fromDocs = "../" + PROTO_ROOT.toString().replace('\\', '/') + "/" + commonFolder(files);
        return ApiMarkdown.render(files, fromDocs, COMMAND);
    }

    /** The folder all the files share (e.g. {@code vnet/v1}), for the link to the sources. */
    private static String commonFolder(List<ProtoFile> files) {
        List<String> folders = files.stream().map(f -> f.path().contains("/")
                ? f.path().substring(0, f.path().lastIndexOf('/')) : "").distinct().toList();
        if (folders.size() != 1) {
            throw new IllegalArgumentException("the reference expects one package folder, found " + folders);
        }
        return folders.get(0);
    }

    /** How many RPCs, messages and fields have no comment: the gaps in the contract's documentation. */
    static String undocumented(List<ProtoFile> files) {
        long rpcs = files.stream().flatMap(f -> f.services().stream()).flatMap(s -> s.rpcs().stream()).count();
        List<String> bareRpcs = files.stream().flatMap(f -> f.services().stream())
                .flatMap(s -> s.rpcs().stream().filter(r -> r.comment().isEmpty()).map(r -> s.name() + "." + r.name()))
                .toList();
        List<Message> messages = files.stream().flatMap(f -> f.messages().stream()).toList();
        long bareMessages = messages.stream().filter(m -> m.comment().isEmpty()).count();
        long fields = messages.stream().mapToLong(m -> m.fields().size()).sum();
        long bareFields = messages.stream().flatMap(m -> m.fields().stream()).filter(f -> f.comment().isEmpty())
                .count();
        return "without a comment: " + bareRpcs.size() + " of " + rpcs + " RPCs " + bareRpcs + ", " + bareMessages
                + " of " + messages.size() + " messages, " + bareFields + " of " + fields + " fields";
    }
}
