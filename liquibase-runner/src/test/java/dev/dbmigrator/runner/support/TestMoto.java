package dev.dbmigrator.runner.support;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * moto in server mode on loopback: real AWS SDK calls, real HTTP, no AWS account. One server per test JVM,
 * from the project's virtualenv (scripts/ensure-venv.sh creates it on first use).
 */
public final class TestMoto {
  private static TestMoto instance;
  public final URI endpoint;
  private final Process server;

  private TestMoto(URI endpoint, Process server) {
    this.endpoint = endpoint;
    this.server = server;
  }

  public static synchronized TestMoto get() {
    if (instance == null) {
      instance = start();
      Runtime.getRuntime().addShutdownHook(new Thread(instance.server::destroy));
    }
    return instance;
  }

  /** Points an SDK client builder at moto, with dummy credentials. */
  public <B extends AwsClientBuilder<B, C>, C> C client(B builder) {
    if (builder instanceof software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<?, ?> sync) {
      sync.httpClient(UrlConnectionHttpClient.create());
    }
    return builder.endpointOverride(endpoint).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
        .build();
  }

  private static TestMoto start() {
    Path root = RepoPaths.root();
    try {
      Path motoServer = root.resolve(".venv/bin/moto_server");
      if (!Files.isExecutable(motoServer)) {
        Process venv = new ProcessBuilder("bash", "scripts/ensure-venv.sh").directory(root.toFile()).inheritIO().start();
        if (venv.waitFor() != 0) {
          throw new IllegalStateException("scripts/ensure-venv.sh failed: moto is needed for the integration tests");
        }
      }
      int port;
      try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = probe.getLocalPort();
      }
      Process server = new ProcessBuilder(motoServer.toString(), "-H", "127.0.0.1", "-p", Integer.toString(port))
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      URI endpoint = URI.create("http://127.0.0.1:" + port);
      awaitUp(endpoint, Duration.ofSeconds(60));
      return new TestMoto(endpoint, server);
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException("cannot start moto", e);
    }
  }

  private static void awaitUp(URI endpoint, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        HttpURLConnection c = (HttpURLConnection) endpoint.resolve("/moto-api/").toURL().openConnection();
        c.setConnectTimeout(500);
        if (c.getResponseCode() > 0) {
          return;
        }
      } catch (IOException e) {
        Thread.sleep(200);
      }
    }
    throw new IllegalStateException("moto did not come up at " + endpoint);
  }
}
