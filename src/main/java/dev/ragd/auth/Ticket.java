package dev.ragd.auth;

/**
 * What a WebSocket ticket stands for: the identity that asked for it and the page origin it asked
 * from ({@code null} when the request had no {@code Origin}, i.e. not from a browser page).
 */
public record Ticket(Identity identity, String origin) {}
