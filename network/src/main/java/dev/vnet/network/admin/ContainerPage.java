package dev.vnet.network.admin;

import dev.vnet.proto.v1.ContainerInfo;
import java.util.List;

/**
 * One page of a container listing.
 *
 * @param total how many containers the filters select, on every page
 * @param offset how many selected containers come before this page
 * @param containers at most the query's limit, in its order
 */
public record ContainerPage(int total, int offset, List<ContainerInfo> containers) {}
