package dev.vnet.apidoc;

/** A {@code .proto} file the parser does not understand, with where and why, so the fix is obvious. */
public final class ProtoSyntaxException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ProtoSyntaxException(String path, int line, String problem) {
        super(path + ":" + line + ": " + problem);
    }
}
