/**
 * Stream transport for OpenVPN over TCP, sans I/O: turns the bytes of one connection into packets
 * for the session table and packets for the connection into length-framed bytes. The connection
 * itself is the session's path, so replies return on the stream they belong to.
 */
package dev.braid.agent.transport;
