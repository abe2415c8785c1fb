import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The cold cost of building the runner's four SDK clients the way LambdaHandler builds them (UrlConnection
 * HTTP client), in a fresh JVM. No call is made, so no network or credentials are needed. This is the part of a
 * Lambda cold start that the local runner process (LocalMain) does not pay.
 */
public final class SdkClientsProbe {
  private SdkClientsProbe() {}

  public static void main(String[] args) {
    Region region = Region.EU_WEST_3;
    long t0 = System.nanoTime();
    SecretsManagerClient secrets = SecretsManagerClient.builder().region(region)
        .httpClient(UrlConnectionHttpClient.create()).build();
    long t1 = System.nanoTime();
    SsmClient ssm = SsmClient.builder().region(region).httpClient(UrlConnectionHttpClient.create()).build();
    long t2 = System.nanoTime();
    EventBridgeClient events = EventBridgeClient.builder().region(region)
        .httpClient(UrlConnectionHttpClient.create()).build();
    long t3 = System.nanoTime();
    CloudFormationClient cloudFormation = CloudFormationClient.builder().region(region)
        .httpClient(UrlConnectionHttpClient.create()).build();
    long t4 = System.nanoTime();
    System.out.printf("{\"firstClientMs\":%.1f,\"nextThreeMs\":%.1f,\"allFourMs\":%.1f}%n",
        (t1 - t0) / 1e6, (t4 - t1) / 1e6, (t4 - t0) / 1e6);
    secrets.close();
    ssm.close();
    events.close();
    cloudFormation.close();
  }
}
