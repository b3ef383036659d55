package dev.braid.agent.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ControlServerTest {
  @Test
  void aTakenPortIsReportedAndBoundOnceItIsFree() throws Exception {
    ServerSocket other = new ServerSocket();
    other.setReuseAddress(false);
    other.bind(new InetSocketAddress(0));
    int port = other.getLocalPort();
    ControlServer server =
        ControlServer.start(
            port,
            Map.of(
                "/healthz",
                ex -> {
                  byte[] ok = "ok\n".getBytes(StandardCharsets.UTF_8);
                  ex.sendResponseHeaders(200, ok.length);
                  ex.getResponseBody().write(ok);
                  ex.close();
                }),
            Clock.systemUTC());
    try {
      assertThat(server.bind()).isFalse();
      assertThat(server.error().reason).isEqualTo("ControlPortInUse");
      assertThat(server.error().message).contains("control port " + port, "spec.controlPort");
      assertThat(server.port()).isEqualTo(port);

      other.close();
      assertThat(server.bind()).isTrue();
      assertThat(server.error()).isNull();
      try (HttpClient http = HttpClient.newHttpClient()) {
        var reply =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(reply.statusCode()).isEqualTo(200);
      }
    } finally {
      server.close();
      other.close();
    }
  }
}
