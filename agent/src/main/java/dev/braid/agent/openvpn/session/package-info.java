/**
 * The server side of an OpenVPN session, sans I/O: a per-worker {@link
 * dev.braid.agent.openvpn.session.ServerSessions} table takes datagrams with the path they came
 * over and the time, answers hard resets statelessly (HMAC cookie), and runs each {@link
 * dev.braid.agent.openvpn.session.Session} through TLS, key-method 2, PUSH_REQUEST/PUSH_REPLY,
 * data, renegotiation and exit. Paths are opaque to this package, so a session may be reached over
 * several.
 */
package dev.braid.agent.openvpn.session;
