/**
 * The gateway PKI, written with Bouncy Castle and no cluster: a CA per gateway, a server
 * certificate with EKU serverAuth (stock clients check it with {@code remote-cert-tls server}),
 * client certificates with EKU clientAuth, a CRL, and the OpenVPN static key for tls-crypt or
 * tls-auth. {@link dev.braid.operator.pki.GatewayPki} decides what to keep and what to renew, so
 * the operator regenerates nothing that is still good.
 */
package dev.braid.operator.pki;
