package dev.vnet.apidoc;

import dev.vnet.apidoc.ProtoFile.Comment;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits {@code .proto} text into tokens and hands each token the {@code //} comments written before it, by the
 * rules protoc uses for documentation: a comment block that ends on the line just above a token leads it (documents
 * the declaration the token starts); a block with a blank line after it is detached; a comment after a token on
 * the same line trails that token. Block comments are refused rather than half understood.
 */
final class ProtoLexer {

    enum Kind { WORD, NUMBER, STRING, SYMBOL, END }

    /** One token, the comments around it, and the line it is on (from 1). */
    static final class Token {
        final String text;
        final Kind kind;
        final int line;
        final Comment leading;
        final List<Comment> detached;
        Comment trailing = Comment.NONE;

        Token(String text, Kind kind, int line, Comment leading, List<Comment> detached) {
            this.text = text;
            this.kind = kind;
            this.line = line;
            this.leading = leading;
            this.detached = List.copyOf(detached);
        }

        @Override
        public String toString() {
            return kind == Kind.END ? "the end of the file" : "'" + text + "'";
        }
    }

    private final String path;
    private final List<Token> tokens = new ArrayList<>();
    private final List<String> block = new ArrayList<>();
    private final List<Comment> detached = new ArrayList<>();
    private int blockEndLine = -1;

    private ProtoLexer(String path) {
        this.path = path;
    }

    static List<Token> tokens(String path, String text) {
        ProtoLexer lexer = new ProtoLexer(path);
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            lexer.scanLine(lines[i], i + 1);
        }
        lexer.token("", Kind.END, lines.length + 1);
        return lexer.tokens;
    }

    private void scanLine(String line, int lineNumber) {
        boolean tokenOnLine = false;
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (line.startsWith("//", i)) {
                String comment = line.substring(i + 2);
                comment = comment.startsWith(" ") ? comment.substring(1) : comment;
                if (tokenOnLine) {
                    Token last = tokens.get(tokens.size() - 1);
                    last.trailing = new Comment(List.of(comment.stripTrailing()));
                } else {
                    commentLine(comment.stripTrailing(), lineNumber);
                }
                return;
            } else if (line.startsWith("/*", i)) {
                throw new ProtoSyntaxException(path, lineNumber, "block comments (/* */) are not supported: use //");
            } else if (Character.isLetter(c) || c == '_' || (c == '.' && i + 1 < line.length()
                    && Character.isLetter(line.charAt(i + 1)))) {
                int end = i + 1;
                while (end < line.length() && (Character.isLetterOrDigit(line.charAt(end)) || line.charAt(end) == '_'
                        || line.charAt(end) == '.')) {
                    end++;
                }
                token(line.substring(i, end), Kind.WORD, lineNumber);
                tokenOnLine = true;
                i = end;
            } else if (Character.isDigit(c)) {
                int end = i + 1;
                while (end < line.length() && (Character.isLetterOrDigit(line.charAt(end)) || line.charAt(end) == '.')) {
                    end++;
                }
                token(line.substring(i, end), Kind.NUMBER, lineNumber);
                tokenOnLine = true;
                i = end;
            } else if (c == '"' || c == '\'') {
                int end = i + 1;
                while (end < line.length() && line.charAt(end) != c) {
                    end += line.charAt(end) == '\\' ? 2 : 1;
                }
                if (end >= line.length()) {
                    throw new ProtoSyntaxException(path, lineNumber, "a string is not closed on its line");
                }
                token(line.substring(i + 1, end), Kind.STRING, lineNumber);
                tokenOnLine = true;
                i = end + 1;
            } else {
                token(String.valueOf(c), Kind.SYMBOL, lineNumber);
                tokenOnLine = true;
                i++;
            }
        }
    }

    private void commentLine(String text, int lineNumber) {
        if (!block.isEmpty() && blockEndLine != lineNumber - 1) {
            detachBlock();
        }
        block.add(text);
        blockEndLine = lineNumber;
    }

    private void token(String text, Kind kind, int lineNumber) {
        Comment leading = Comment.NONE;
        if (!block.isEmpty()) {
            if (blockEndLine == lineNumber - 1) {
                leading = new Comment(block);
                block.clear();
            } else {
                detachBlock();
            }
        }
        tokens.add(new Token(text, kind, lineNumber, leading, detached));
        detached.clear();
    }

    private void detachBlock() {
        detached.add(new Comment(block));
        block.clear();
    }
}
