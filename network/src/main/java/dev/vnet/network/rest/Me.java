package dev.vnet.network.rest;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Who the caller is, as the console asks after sign-in to know what to show and enable.
 *
 * @param name the token's or JWT subject's name
 * @param permissions what it may do (docs/SECURITY.md)
 * @param securityOn false when the coordinator lets everyone in (local development): the console says so
 */
@Schema(description = "The caller and its permissions")
public record Me(String name, List<String> permissions, boolean securityOn) {}
