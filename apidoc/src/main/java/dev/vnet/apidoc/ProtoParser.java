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
import dev.vnet.apidoc.ProtoLexer.Kind;
import dev.vnet.apidoc.ProtoLexer.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads a proto3 file into a {@link ProtoFile}: services and their RPCs, messages with their fields and oneofs,
 * enums with their values, each with its comment. It covers what vnet's contract uses plus the common rest of proto3
 * (maps, optional, reserved, options are skipped), and refuses what it does not model (nested types, extensions,
 * proto2) with the file and line, rather than producing a reference that silently leaves something out.
 *
 * <p>Inside a service, message or enum every comment must document something: one followed by a blank line (or
 * by the closing brace) is refused, since the reference would have nowhere to show it. Between top-level
 * declarations such a comment is a {@link Section} heading.
 */
public final class ProtoParser {

    private static final Set<String> SCALARS = Set.of("double", "float", "int32", "int64", "uint32", "uint64",
            "sint32", "sint64", "fixed32", "fixed64", "sfixed32", "sfixed64", "bool", "string", "bytes");

    private final String path;
    private final List<Token> tokens;
    private int next;

    private ProtoParser(String path, String text) {
        this.path = path;
        this.tokens = ProtoLexer.tokens(path, text);
    }

    /**
     * @param path the file's import path (e.g. {@code vnet/v1/types.proto}), for the reference and for errors
     * @throws ProtoSyntaxException when the text is not proto3 this parser understands
     */
    public static ProtoFile parse(String path, String text) {
        return new ProtoParser(path, text).file();
    }

    private ProtoFile file() {
        // The file's own comment is the one on top, before `syntax`: detached from it or not.
        Token first = peek();
        Comment fileComment = Comment.NONE;
        if (first.text.equals("syntax")) {
            for (Comment detached : first.detached) {
                fileComment = fileComment.plus(detached);
            }
            fileComment = fileComment.plus(first.leading);
        }

        String packageName = "";
        List<String> imports = new ArrayList<>();
        List<Element> elements = new ArrayList<>();
        boolean sawSyntax = false;
        while (peek().kind != Kind.END) {
            Token start = peek();
            if (start != first || !first.text.equals("syntax")) {
                start.detached.forEach(comment -> elements.add(new Section(comment)));
            }
            switch (start.text) {
                case "syntax" -> {
                    next++;
                    expect("=");
                    Token syntax = take();
                    if (!syntax.text.equals("proto3")) {
                        throw error(syntax, "only proto3 is supported, not " + syntax);
                    }
                    expect(";");
                    sawSyntax = true;
                }
                case "package" -> {
                    next++;
                    packageName = word("a package name").text;
                    expect(";");
                }
                case "import" -> {
                    next++;
                    if (peek().text.equals("public") || peek().text.equals("weak")) {
                        next++;
                    }
                    imports.add(take(Kind.STRING, "an import path").text);
                    expect(";");
                }
                case "option" -> skipStatement();
                case "service" -> elements.add(service());
                case "message" -> elements.add(message());
                case "enum" -> elements.add(enumType());
                case ";" -> next++;
                default -> throw error(start, "expected syntax, package, import, option, service, message or enum, "
                        + "found " + start);
            }
        }
        if (!sawSyntax) {
            throw new ProtoSyntaxException(path, 1, "no 'syntax = \"proto3\";': only proto3 files are supported");
        }
        peek().detached.forEach(comment -> elements.add(new Section(comment)));
        return new ProtoFile(path, packageName, imports, fileComment, elements);
    }

    private Service service() {
        Comment comment = take().leading;
        String name = word("a service name").text;
        comment = comment.plus(expect("{").trailing);
        List<Rpc> rpcs = new ArrayList<>();
        while (!atBlockEnd()) {
            Token start = peek();
            switch (start.text) {
                case "rpc" -> rpcs.add(rpc());
                case "option" -> skipStatement();
                case ";" -> next++;
                default -> throw error(start, "expected rpc or option in service " + name + ", found " + start);
            }
        }
        expect("}");
        return new Service(name, comment, rpcs);
    }

    private Rpc rpc() {
        Comment comment = take().leading;
        String name = word("an RPC name").text;
        expect("(");
        boolean requestStream = optional("stream");
        String request = word("a request type").text;
        expect(")");
        if (!take().text.equals("returns")) {
            throw error(tokens.get(next - 1), "expected 'returns' after the request of rpc " + name);
        }
        expect("(");
        boolean responseStream = optional("stream");
        String response = word("a response type").text;
        expect(")");
        Token end;
        if (peek().text.equals("{")) {
            end = take();
            while (!atBlockEnd()) {
                if (!peek().text.equals("option") && !peek().text.equals(";")) {
                    throw error(peek(), "expected option in the body of rpc " + name + ", found " + peek());
                }
                skipStatement();
            }
            expect("}");
        } else {
            end = expect(";");
        }
        return new Rpc(name, comment.plus(end.trailing), request, requestStream, response, responseStream);
    }

    private Message message() {
        Comment comment = take().leading;
        String name = word("a message name").text;
        comment = comment.plus(expect("{").trailing);
        List<Field> fields = new ArrayList<>();
        List<Oneof> oneofs = new ArrayList<>();
        while (!atBlockEnd()) {
            Token start = peek();
            switch (start.text) {
                case "oneof" -> oneofs.add(oneof(fields));
                case "option", "reserved" -> skipStatement();
                case ";" -> next++;
                case "message", "enum", "extend", "extensions", "group" -> throw error(start, "'" + start.text
                        + "' inside message " + name + " is not supported by the API reference generator: declare "
                        + "types at the top level (or teach dev.vnet.apidoc.ProtoParser about it)");
                default -> fields.add(field(""));
            }
        }
        expect("}");
        return new Message(name, comment, fields, oneofs);
    }

    private Oneof oneof(List<Field> fields) {
        Comment comment = take().leading;
        String name = word("a oneof name").text;
        comment = comment.plus(expect("{").trailing);
        List<String> members = new ArrayList<>();
        while (!atBlockEnd()) {
            if (peek().text.equals("option")) {
                skipStatement();
                continue;
            }
            Field field = field(name);
            fields.add(field);
            members.add(field.name());
        }
        expect("}");
        return new Oneof(name, comment, members);
    }

    private Field field(String oneof) {
        Token start = peek();
        Comment comment = start.leading;
        String label = "";
        if (start.text.equals("repeated") || start.text.equals("optional")) {
            if (!oneof.isEmpty()) {
                throw error(start, "a oneof field cannot be " + start.text);
            }
            label = take().text;
        } else if (start.text.equals("required")) {
            throw error(start, "'required' does not exist in proto3");
        }
        String type = type();
        String name = word("a field name").text;
        expect("=");
        int number = number();
        skipOptions();
        Token end = expect(";");
        return new Field(name, type, number, label, oneof, comment.plus(end.trailing));
    }

    private String type() {
        Token type = word("a field type");
        if (!type.text.equals("map")) {
            return type.text;
        }
        expect("<");
        String key = word("a map key type").text;
        if (!SCALARS.contains(key)) {
            throw error(type, "a map key must be a scalar type, not '" + key + "'");
        }
        expect(",");
        String value = word("a map value type").text;
        expect(">");
        return "map<" + key + ", " + value + ">";
    }

    private EnumType enumType() {
        Comment comment = take().leading;
        String name = word("an enum name").text;
        comment = comment.plus(expect("{").trailing);
        List<EnumValue> values = new ArrayList<>();
        while (!atBlockEnd()) {
            Token start = peek();
            switch (start.text) {
                case "option", "reserved" -> skipStatement();
                case ";" -> next++;
                default -> {
                    String value = word("an enum value name").text;
                    expect("=");
                    int number = number();
                    skipOptions();
                    Token end = expect(";");
                    values.add(new EnumValue(value, number, start.leading.plus(end.trailing)));
                }
            }
        }
        expect("}");
        return new EnumType(name, comment, values);
    }

    // ---- tokens ----

    /**
     * Whether the block being read ends here. Also where a comment that documents nothing is caught: one detached
     * from the next declaration, or one right before the closing brace.
     */
    private boolean atBlockEnd() {
        Token token = peek();
        if (token.kind == Kind.END) {
            throw error(token, "a block is not closed: expected '}'");
        }
        if (!token.detached.isEmpty() || (token.text.equals("}") && !token.leading.isEmpty())) {
            int line = token.line - 1;
            throw new ProtoSyntaxException(path, line, "this comment documents nothing (a blank line or a closing "
                    + "brace follows it): put it right above the declaration it describes, or remove it");
        }
        return token.text.equals("}");
    }

    private void skipStatement() {
        while (!peek().text.equals(";")) {
            if (peek().kind == Kind.END || peek().text.equals("}")) {
                throw error(peek(), "expected ';'");
            }
            next++;
        }
        next++;
    }

    /** Field and enum value options ({@code [deprecated = true]}): not part of the reference. */
    private void skipOptions() {
        if (!peek().text.equals("[")) {
            return;
        }
        while (!take().text.equals("]")) {
            if (peek().kind == Kind.END) {
                throw error(peek(), "expected ']'");
            }
        }
    }

    private int number() {
        boolean negative = optional("-");
        Token token = take(Kind.NUMBER, "a number");
        try {
            int value = token.text.startsWith("0x") || token.text.startsWith("0X")
                    ? Integer.parseInt(token.text.substring(2), 16) : Integer.parseInt(token.text);
            return negative ? -value : value;
        } catch (NumberFormatException e) {
            throw error(token, "expected a number, found " + token);
        }
    }

    private boolean optional(String text) {
        if (peek().text.equals(text) && peek().kind != Kind.STRING) {
            next++;
            return true;
        }
        return false;
    }

    private Token word(String what) {
        return take(Kind.WORD, what);
    }

    private Token take(Kind kind, String what) {
        Token token = take();
        if (token.kind != kind) {
            throw error(token, "expected " + what + ", found " + token);
        }
        return token;
    }

    private Token expect(String symbol) {
        Token token = take();
        if (token.kind != Kind.SYMBOL || !token.text.equals(symbol)) {
            throw error(token, "expected '" + symbol + "', found " + token);
        }
        return token;
    }

    private Token take() {
        Token token = peek();
        if (token.kind == Kind.END) {
            throw error(token, "unexpected end of the file");
        }
        next++;
        return token;
    }

    private Token peek() {
        return tokens.get(next);
    }

    private ProtoSyntaxException error(Token token, String problem) {
        return new ProtoSyntaxException(path, token.line, problem);
    }
}
