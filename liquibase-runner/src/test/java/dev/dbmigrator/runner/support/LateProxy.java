package dev.dbmigrator.runner.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

/**
 * A database that "comes up" late: nothing listens on the port until the delay has passed (connections are
 * refused, as while a cluster resumes), then it forwards every connection to the real server.
 */
public final class LateProxy implements AutoCloseable {
  public final int port;
  private final Thread acceptor;
  private volatile ServerSocket server;

  public LateProxy(String targetHost, int targetPort, Duration delay) throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    acceptor = new Thread(() -> {
      try {
        Thread.sleep(delay.toMillis());
        server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        while (!server.isClosed()) {
          Socket client = server.accept();
          Socket upstream = new Socket(targetHost, targetPort);
          pump(client.getInputStream(), upstream.getOutputStream(), client, upstream);
          pump(upstream.getInputStream(), client.getOutputStream(), client, upstream);
        }
      } catch (IOException | InterruptedException e) {
        // Closed by the test.
      }
    }, "late-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private static void pump(InputStream in, OutputStream out, Socket a, Socket b) {
    Thread t = new Thread(() -> {
      try (a; b) {
        in.transferTo(out);
      } catch (IOException e) {
        // One side closed.
      }
    });
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    acceptor.interrupt();
    if (server != null) {
      server.close();
    }
  }
}
