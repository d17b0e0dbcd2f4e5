package dev.vnet.wire;

import java.util.ArrayList;
import java.util.List;

/** A gRPC endpoint, {@code host:port}, as users write it in configuration and on command lines. */
public record Endpoint(String host, int port) {

    public Endpoint {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("endpoint host is empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("endpoint port " + port + " is not between 1 and 65535");
        }
    }

    /** Parses {@code host:port}; an IPv6 host is written in brackets, {@code [::1]:3737}. */
    public static Endpoint parse(String text) {
        String value = text == null ? "" : text.trim();
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new IllegalArgumentException("'" + text + "' is not an endpoint: write host:port, e.g. 127.0.0.1:3737");
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            return new Endpoint(host, Integer.parseInt(value.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' has no numeric port: write host:port, e.g. 127.0.0.1:3737");
        }
    }

    /** Parses a comma-separated list such as {@code h1:3737,h2:3737}; at least one endpoint is required. */
    public static List<Endpoint> parseList(String text) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (String part : (text == null ? "" : text).split(",")) {
            if (!part.isBlank()) {
                endpoints.add(parse(part));
            }
        }
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("no endpoint given: write host:port[,host:port...]");
        }
        return List.copyOf(endpoints);
    }

    /** The form gRPC targets and people read: {@code host:port}. */
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
