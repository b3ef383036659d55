package dev.braid.agent.openvpn.tls;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/** Who the client is, as OpenVPN names it: the common name of its verified certificate. */
public final class PeerIdentity {
  private PeerIdentity() {}

  /** The CN of the peer's certificate subject, or null if there is none (or no peer yet). */
  public static String commonName(SSLSession session) {
    if (session == null) {
      return null;
    }
    try {
      LdapName name = new LdapName(session.getPeerPrincipal().getName());
      String cn = null;
      for (Rdn rdn : name.getRdns()) { // most significant first: keep the last (innermost) CN
        if (rdn.getType().equalsIgnoreCase("CN")) {
          cn = rdn.getValue().toString();
        }
      }
      return cn;
    } catch (SSLPeerUnverifiedException | InvalidNameException e) {
      return null;
    }
  }
}
