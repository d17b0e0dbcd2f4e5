package dev.vnet.runtime;

import dev.vnet.proto.v1.Error;
import dev.vnet.proto.v1.Payload;

/** Where the answer to one container call goes: a network stream frame, a direct stream frame, a unary reply. */
interface ReplyTo {

    /** Answers nothing: for one-way calls. */
    ReplyTo NONE = new ReplyTo() {
        @Override
        public void ok(Payload payload, long epoch) {}

        @Override
        public void fail(Error error) {}
    };

    /** The call succeeded on the copy with activation {@code epoch}. */
    void ok(Payload payload, long epoch);

    void fail(Error error);
}
