package dev.vnet.security;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

/**
 * How a client or an agent secures its channels: TLS (plaintext when null) and a bearer token sent with every call
 * (none when null).
 */
public record ChannelSecurity(ClientTls tls, String token) {

    /** The header a channel's bearer token travels in, and the one a vnet server reads it from. */
    public static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    /** Plaintext, no token: a network with security off, on a trusted host. */
    public static final ChannelSecurity NONE = new ChannelSecurity(null, null);

    public ChannelSecurity {
        if (token != null && (token.isBlank() || token.chars().anyMatch(c -> c < 0x20 || c > 0x7e))) {
            throw new IllegalArgumentException("the token must be printable ASCII without line breaks");
        }
    }

    public boolean usesTls() {
        return tls != null;
    }

    /** Applies TLS (or plaintext) and the token to a channel under construction. */
    public NettyChannelBuilder apply(NettyChannelBuilder builder) {
        if (tls != null) {
            builder.sslContext(tls.sslContext());
        } else {
            builder.usePlaintext();
        }
        if (token != null) {
            builder.intercept(new BearerToken("Bearer " + token));
        }
        return builder;
    }

    /** Adds the token to every call's metadata. */
    private static final class BearerToken implements ClientInterceptor {
        private final String header;

        BearerToken(String header) {
            this.header = header;
        }

        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
            return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                @Override
                public void start(Listener<R> listener, Metadata headers) {
                    headers.put(AUTHORIZATION, header);
                    super.start(listener, headers);
                }
            };
        }
    }

    @Override
    public String toString() {
        // Never the token itself.
        return "ChannelSecurity[tls=" + (tls != null) + ", token=" + (token != null ? "set" : "none") + "]";
    }
}
