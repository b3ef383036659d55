package dev.braid.agent.openvpn.client;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

/**
 * An {@link SSLEngine} that passes everything to a real one and keeps a copy of the plaintext the
 * client wrote: what the server received inside TLS (the key-method 2 message with its peer-info,
 * PUSH_REQUEST, EXIT), for tests to read back.
 */
final class RecordingEngine extends SSLEngine {
  private final SSLEngine real;
  private final ByteArrayOutputStream written;

  RecordingEngine(SSLEngine real, ByteArrayOutputStream written) {
    this.real = real;
    this.written = written;
  }

  @Override
  public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst)
      throws SSLException {
    ByteBuffer[] copies = new ByteBuffer[length];
    for (int i = 0; i < length; i++) {
      copies[i] = srcs[offset + i].duplicate();
    }
    SSLEngineResult r = real.wrap(srcs, offset, length, dst);
    int consumed = r.bytesConsumed();
    for (int i = 0; i < length && consumed > 0; i++) {
      int n = Math.min(consumed, copies[i].remaining());
      byte[] b = new byte[n];
      copies[i].get(b);
      synchronized (written) {
        written.writeBytes(b);
      }
      consumed -= n;
    }
    return r;
  }

  @Override
  public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length)
      throws SSLException {
    return real.unwrap(src, dsts, offset, length);
  }

  @Override
  public Runnable getDelegatedTask() {
    return real.getDelegatedTask();
  }

  @Override
  public void closeInbound() throws SSLException {
    real.closeInbound();
  }

  @Override
  public boolean isInboundDone() {
    return real.isInboundDone();
  }

  @Override
  public void closeOutbound() {
    real.closeOutbound();
  }

  @Override
  public boolean isOutboundDone() {
    return real.isOutboundDone();
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return real.getSupportedCipherSuites();
  }

  @Override
  public String[] getEnabledCipherSuites() {
    return real.getEnabledCipherSuites();
  }

  @Override
  public void setEnabledCipherSuites(String[] suites) {
    real.setEnabledCipherSuites(suites);
  }

  @Override
  public String[] getSupportedProtocols() {
    return real.getSupportedProtocols();
  }

  @Override
  public String[] getEnabledProtocols() {
    return real.getEnabledProtocols();
  }

  @Override
  public void setEnabledProtocols(String[] protocols) {
    real.setEnabledProtocols(protocols);
  }

  @Override
  public SSLSession getSession() {
    return real.getSession();
  }

  @Override
  public SSLSession getHandshakeSession() {
    return real.getHandshakeSession();
  }

  @Override
  public void beginHandshake() throws SSLException {
    real.beginHandshake();
  }

  @Override
  public SSLEngineResult.HandshakeStatus getHandshakeStatus() {
    return real.getHandshakeStatus();
  }

  @Override
  public void setUseClientMode(boolean mode) {
    real.setUseClientMode(mode);
  }

  @Override
  public boolean getUseClientMode() {
    return real.getUseClientMode();
  }

  @Override
  public void setNeedClientAuth(boolean need) {
    real.setNeedClientAuth(need);
  }

  @Override
  public boolean getNeedClientAuth() {
    return real.getNeedClientAuth();
  }

  @Override
  public void setWantClientAuth(boolean want) {
    real.setWantClientAuth(want);
  }

  @Override
  public boolean getWantClientAuth() {
    return real.getWantClientAuth();
  }

  @Override
  public void setEnableSessionCreation(boolean flag) {
    real.setEnableSessionCreation(flag);
  }

  @Override
  public boolean getEnableSessionCreation() {
    return real.getEnableSessionCreation();
  }

  @Override
  public SSLParameters getSSLParameters() {
    return real.getSSLParameters();
  }

  @Override
  public void setSSLParameters(SSLParameters params) {
    real.setSSLParameters(params);
  }
}
