package dev.vnet.apidoc;

import dev.vnet.apidoc.ProtoFile.Comment;
import dev.vnet.apidoc.ProtoFile.Element;
import dev.vnet.apidoc.ProtoFile.EnumType;
import dev.vnet.apidoc.ProtoFile.EnumValue;
import dev.vnet.apidoc.ProtoFile.Field;
import dev.vnet.apidoc.ProtoFile.Message;
import dev.vnet.apidoc.ProtoFile.Oneof;
import dev.vnet.apidoc.ProtoFile.Rpc;
import dev.vnet.apidoc.ProtoFile.Section;
import dev.vnet.apidoc.ProtoFile.Service;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Writes the API reference (docs/API.md) for parsed {@code .proto} files: per file its comment, then each service
 * as a table of RPCs, each message as a table of fields and each enum as a table of values, in the order the file
 * declares them, with every comment. Message and enum types link to where they are described. The output depends
 * on nothing but its input, so a check can regenerate it and compare.
 */
final class ApiMarkdown {

    /** {@code ---- containers ----}: a section title written as a comment between declarations. */
    private static final Pattern SECTION_TITLE = Pattern.compile("-{2,}\\s*(.+?)\\s*-{2,}");
    private static final Pattern CODE_SPAN = Pattern.compile("`[^`]*`");

    private final List<ProtoFile> files;
    /** Proto folder relative to docs/, for links to the sources. */
    private final String protoLink;
    private final String regenerate;
    /** Every message and enum name, to its heading's anchor. */
    private final Map<String, String> anchors = new LinkedHashMap<>();
    private final StringBuilder out = new StringBuilder();

    private ApiMarkdown(List<ProtoFile> files, String protoLink, String regenerate) {
        this.files = files;
        this.protoLink = protoLink;
        this.regenerate = regenerate;
        for (ProtoFile file : files) {
            file.messages().forEach(m -> anchors.put(m.name(), anchor("message " + m.name())));
            file.enums().forEach(e -> anchors.put(e.name(), anchor("enum " + e.name())));
        }
    }

    /**
     * @param protoLink the folder of the files, relative to docs/ (where the reference is written)
     * @param regenerate the command that writes the reference, for its header
     */
    static String render(List<ProtoFile> files, String protoLink, String regenerate) {
        return new ApiMarkdown(files, protoLink, regenerate).document();
    }

    private String document() {
        String packages = files.stream().map(f -> "`" + f.packageName() + "`")
                .collect(Collectors.toCollection(TreeSet::new)).stream().collect(Collectors.joining(", "));
        line("# vnet API reference");
        line();
        line("<!-- Generated from the .proto files by dev.vnet.apidoc.ApiDoc: do not edit. Run: " + regenerate
                + " -->");
        line();
        line("The gRPC contract of vnet, package " + packages + ". The `.proto` files in");
        line("[`" + protoLink.replace("../", "") + "`](" + protoLink + ") are the source: this file is generated "
                + "from their");
        line("comments. After changing a `.proto` file, run from the repository root (once the build has packaged the");
        line("generator):");
        line();
        line("```bash");
        line(regenerate);
        line("```");
        line();
        line("The build's `ApiDocTest` fails while this file and the `.proto` files disagree. Any language's gRPC tooling");
        line("can use the `.proto` files directly: [`examples/node`](examples/node) is a Node.js client that does.");
        line();
        line("## Contents");
        line();
        for (ProtoFile file : files) {
            String services = file.services().stream().map(s -> link("service " + s.name(), s.name()))
                    .collect(Collectors.joining(", "));
            line("- " + link(file.fileName(), file.fileName()) + (services.isEmpty() ? "" : ": service " + services)
                    + " (" + count(file.messages().size(), "message") + ", " + count(file.enums().size(), "enum")
                    + ")");
        }
        for (ProtoFile file : files) {
            file(file);
        }
        return out.toString();
    }

    private void file(ProtoFile file) {
        line();
        line("## " + file.fileName());
        line();
        String imports = file.imports().isEmpty() ? ""
                : "; imports " + file.imports().stream().map(i -> "`" + i + "`").collect(Collectors.joining(", "));
        line("Source: [`" + file.path() + "`](" + protoLink + "/" + file.fileName() + ")" + imports + ".");
        paragraph(file.comment());
        for (Element element : file.elements()) {
            if (element instanceof Service service) {
                service(service);
            } else if (element instanceof Message message) {
                message(message);
            } else if (element instanceof EnumType enumType) {
                enumType(enumType);
            } else if (element instanceof Section section) {
                section(section);
            }
        }
    }

    private void service(Service service) {
        line();
        line("### service " + service.name());
        paragraph(service.comment());
        line();
        line("| RPC | Request | Response | Description |");
        line("|---|---|---|---|");
        for (Rpc rpc : service.rpcs()) {
            line("| `" + rpc.name() + "` | " + (rpc.requestStream() ? "stream " : "") + type(rpc.requestType())
                    + " | " + (rpc.responseStream() ? "stream " : "") + type(rpc.responseType()) + " | "
                    + cell(rpc.comment()) + " |");
        }
    }

    private void message(Message message) {
        line();
        line("### message " + message.name());
        paragraph(message.comment());
        line();
        if (message.fields().isEmpty()) {
            line("No fields.");
            return;
        }
        line("| Field | Number | Type | Description |");
        line("|---|---|---|---|");
        for (Field field : message.fields()) {
            String label = field.label().isEmpty() ? "" : field.label() + " ";
            String oneof = field.oneof().isEmpty() ? "" : "(oneof `" + field.oneof() + "`) ";
            line("| `" + field.name() + "` | " + field.number() + " | " + label + type(field.type()) + " | "
                    + (oneof + cell(field.comment())).trim() + " |");
        }
        for (Oneof oneof : message.oneofs()) {
            line();
            String members = oneof.fields().stream().map(f -> "`" + f + "`").collect(Collectors.joining(", "));
            String comment = oneof.comment().isEmpty() ? "" : " " + cell(oneof.comment());
            line("Oneof `" + oneof.name() + "`: at most one of " + members + " is set." + comment);
        }
    }

    private void enumType(EnumType enumType) {
        line();
        line("### enum " + enumType.name());
        paragraph(enumType.comment());
        line();
        line("| Value | Number | Description |");
        line("|---|---|---|");
        for (EnumValue value : enumType.values()) {
            line("| `" + value.name() + "` | " + value.number() + " | " + cell(value.comment()) + " |");
        }
    }

    private void section(Section section) {
        List<String> lines = section.comment().lines();
        Matcher title = lines.size() == 1 ? SECTION_TITLE.matcher(lines.get(0).trim()) : null;
        line();
        if (title != null && title.matches()) {
            line("**" + escape(title.group(1)) + "**");
        } else {
            lines.forEach(l -> line(escape(l)));
        }
    }

    /** A type as a link to its description when this package declares it, else as code. */
    private String type(String type) {
        if (type.startsWith("map<")) {
            String[] parts = type.substring(4, type.length() - 1).split(",\\s*");
            return "map&lt;" + type(parts[0]) + ", " + type(parts[1]) + "&gt;";
        }
        String name = type.substring(type.lastIndexOf('.') + 1);
        String anchor = anchors.get(name);
        return anchor == null ? "`" + type + "`" : "[`" + name + "`](#" + anchor + ")";
    }

    /** A comment as paragraphs, kept line by line: Markdown joins the lines and reads its "- " lists as lists. */
    private void paragraph(Comment comment) {
        if (comment.isEmpty()) {
            return;
        }
        line();
        comment.lines().forEach(l -> line(escape(l)));
    }

    /** A comment in one table cell: lines joined, list items and paragraphs on lines of their own. */
    private static String cell(Comment comment) {
        StringBuilder cell = new StringBuilder();
        boolean paragraphBreak = false;
        for (String raw : comment.lines()) {
            String text = raw.strip();
            if (text.isEmpty()) {
                paragraphBreak = true;
                continue;
            }
            if (cell.length() > 0) {
                cell.append(paragraphBreak ? "<br><br>" : text.startsWith("- ") ? "<br>" : " ");
            }
            cell.append(escape(text).replace("|", "\\|"));
            paragraphBreak = false;
        }
        return cell.toString();
    }

    /** Keeps text literal: {@code <} and {@code >} outside code spans would otherwise be read as HTML. */
    private static String escape(String text) {
        StringBuilder escaped = new StringBuilder();
        Matcher code = CODE_SPAN.matcher(text);
        int at = 0;
        while (code.find()) {
            escaped.append(plain(text.substring(at, code.start()))).append(code.group());
            at = code.end();
        }
        return escaped.append(plain(text.substring(at))).toString();
    }

    private static String plain(String text) {
        return text.replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private String link(String heading, String text) {
        return "[" + text + "](#" + anchor(heading) + ")";
    }

    /** GitHub's anchor for a heading: lower case, spaces to hyphens, other punctuation dropped. */
    static String anchor(String heading) {
        return heading.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-');
    }

    private void line(String text) {
        out.append(text).append('\n');
    }

    private void line() {
        out.append('\n');
    }
}
