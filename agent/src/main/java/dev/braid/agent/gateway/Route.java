package dev.braid.agent.gateway;

/**
 * Where a tunnel address lives: the loop that owns its session (a worker index, or the worker count
 * for the TCP loop) and the session's peer-id in that loop's table.
 */
record Route(int owner, int peerId) {}
