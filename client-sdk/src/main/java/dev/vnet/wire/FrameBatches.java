package dev.vnet.wire;

import dev.vnet.proto.v1.AgentFrame;
import dev.vnet.proto.v1.AgentFrameBatch;
import dev.vnet.proto.v1.ClientFrame;
import dev.vnet.proto.v1.ClientFrameBatch;
import dev.vnet.proto.v1.DirectCall;
import dev.vnet.proto.v1.DirectResult;
import dev.vnet.proto.v1.DirectResultBatch;
import dev.vnet.proto.v1.NetworkFrame;
import dev.vnet.proto.v1.NetworkFrameBatch;
import dev.vnet.proto.v1.ServerFrame;
import dev.vnet.proto.v1.ServerFrameBatch;
import java.util.List;

/**
 * The batch frame of each stream of the contract, for {@link OutboundStream#batchWith}: several frames that
 * waited together, wrapped in one message that the peer opens and handles frame by frame, in order.
 */
public final class FrameBatches {

    private FrameBatches() { }

    /** SDK to network, on the {@code Session} stream. */
    public static ClientFrame ofClientFrames(List<ClientFrame> frames) {
        return ClientFrame.newBuilder().setBatch(ClientFrameBatch.newBuilder().addAllFrames(frames)).build();
    }

    /** Network to SDK, on the {@code Session} stream. */
    public static ServerFrame ofServerFrames(List<ServerFrame> frames) {
        return ServerFrame.newBuilder().setBatch(ServerFrameBatch.newBuilder().addAllFrames(frames)).build();
    }

    /** Agent to network, on the {@code AgentChannel.Connect} stream. */
    public static AgentFrame ofAgentFrames(List<AgentFrame> frames) {
        return AgentFrame.newBuilder().setBatch(AgentFrameBatch.newBuilder().addAllFrames(frames)).build();
    }

    /** Network to agent, on the {@code AgentChannel.Connect} stream. */
    public static NetworkFrame ofNetworkFrames(List<NetworkFrame> frames) {
        return NetworkFrame.newBuilder().setBatch(NetworkFrameBatch.newBuilder().addAllFrames(frames)).build();
    }

    /** Caller to agent, on the {@code Agent.Calls} stream. */
    public static DirectCall ofDirectCalls(List<DirectCall> calls) {
        return DirectCall.newBuilder().addAllBatch(calls).build();
    }

    /** Agent to caller, on the {@code Agent.Calls} stream. */
    public static DirectResult ofDirectResults(List<DirectResult> results) {
        return DirectResult.newBuilder().setBatch(DirectResultBatch.newBuilder().addAllResults(results)).build();
    }
}
