package dev.vnet.apidoc;

import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import dev.vnet.apidoc.ProtoFile.Comment;
import dev.vnet.apidoc.ProtoFile.EnumType;
import dev.vnet.apidoc.ProtoFile.Message;
import dev.vnet.apidoc.ProtoFile.Service;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes docs/API.md, the API reference, from the comments in the {@code .proto} files, as protoc compiled them: the
 * proto jar carries their descriptor set with source info ({@value #DESCRIPTOR_SET}), which {@link ProtoDescriptors}
 * reads. It is build tooling and ships in no artifact; from the repository root, once the build has packaged it:
 *
 * <pre>java -jar apidoc/target/vnet-apidoc.jar [repository root]</pre>
 *
 * {@code ApiDocTest} renders the same text in memory and fails while the committed file differs.
 */
public final class ApiDoc {

    /** What a developer runs from the repository root to bring docs/API.md up to date. */
    public static final String COMMAND = "java -jar apidoc/target/vnet-apidoc.jar";
    /** The descriptor set of the contract, a resource of the proto jar (proto/pom.xml writes it). */
    public static final String DESCRIPTOR_SET = "vnet.protoset";
    /** Where the {@code .proto} files are, under the repository root, for the link to them. */
    public static final Path PROTO_ROOT = Path.of("proto/src/main/proto");
    /** The reference, under the repository root. */
    public static final Path OUTPUT = Path.of("docs/API.md");

    private ApiDoc() {}

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        if (!Files.isDirectory(root.resolve(OUTPUT).getParent())) {
            throw new IllegalArgumentException(root.resolve(OUTPUT).getParent() + " does not exist: give the "
                    + "repository root as argument, or run from it");
        }
        List<ProtoFile> files = read();
        Path output = root.resolve(OUTPUT);
        Files.writeString(output, render(files), StandardCharsets.UTF_8);
        System.out.println("wrote " + output + " from " + files.size() + " .proto files");
        System.out.println(undocumented(files));
    }

    /** Every {@code .proto} file of the contract, in path order. */
    public static List<ProtoFile> read() {
        return read(DESCRIPTOR_SET);
    }

    /** Every file of a descriptor set on the class path, in path order. */
    static List<ProtoFile> read(String resource) {
        try (InputStream in = ApiDoc.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the class path: build the proto module");
            }
            return ProtoDescriptors.read(FileDescriptorSet.parseFrom(in));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
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

    /**
     * How many services, RPCs, messages, fields, enums and enum values have no comment, and which: the gaps in the
     * contract's documentation.
     */
    static String undocumented(List<ProtoFile> files) {
        List<Service> services = files.stream().flatMap(f -> f.services().stream()).toList();
        List<Message> messages = files.stream().flatMap(f -> f.messages().stream()).toList();
        List<EnumType> enums = files.stream().flatMap(f -> f.enums().stream()).toList();
        long rpcs = services.stream().mapToLong(s -> s.rpcs().size()).sum();
        long fields = messages.stream().mapToLong(m -> m.fields().size()).sum();
        long values = enums.stream().mapToLong(e -> e.values().size()).sum();
        List<String> bare = bare(files);
        return "without a comment: " + count(bare, "service ") + " of " + services.size() + " services, "
                + count(bare, "rpc ") + " of " + rpcs + " RPCs, " + count(bare, "message ") + " of " + messages.size()
                + " messages, " + count(bare, "field ") + " of " + fields + " fields, " + count(bare, "enum ") + " of "
                + enums.size() + " enums, " + count(bare, "value ") + " of " + values + " enum values"
                + (bare.isEmpty() ? "" : "\n  " + String.join("\n  ", bare));
    }

    /**
     * Every service, RPC, message, field, enum and enum value that has no comment, in file order, each as its kind
     * and name: {@code rpc Network.ListAgents}, {@code field SessionWelcome.alive_timeout_ms}.
     */
    static List<String> bare(List<ProtoFile> files) {
        List<String> bare = new ArrayList<>();
        for (ProtoFile file : files) {
            for (Service service : file.services()) {
                note(bare, service.comment(), "service " + service.name());
                service.rpcs().forEach(rpc -> note(bare, rpc.comment(), "rpc " + service.name() + "." + rpc.name()));
            }
            for (Message message : file.messages()) {
                note(bare, message.comment(), "message " + message.name());
                message.fields().forEach(f -> note(bare, f.comment(), "field " + message.name() + "." + f.name()));
            }
            for (EnumType enumType : file.enums()) {
                note(bare, enumType.comment(), "enum " + enumType.name());
                enumType.values().forEach(v -> note(bare, v.comment(), "value " + enumType.name() + "." + v.name()));
            }
        }
        return bare;
    }

    private static void note(List<String> bare, Comment comment, String what) {
        if (comment.isEmpty()) {
            bare.add(what);
        }
    }

    private static long count(List<String> bare, String kind) {
        return bare.stream().filter(b -> b.startsWith(kind)).count();
    }
}
