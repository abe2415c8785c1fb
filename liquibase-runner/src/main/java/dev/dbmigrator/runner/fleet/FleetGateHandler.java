package dev.dbmigrator.runner.fleet;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dbmigrator.runner.EventJson;
import dev.dbmigrator.runner.gate.CloudFormationGate;
import dev.dbmigrator.runner.trigger.TriggerParser;
import dev.dbmigrator.runner.trigger.WatchedStacks;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;

/**
 * The Lambda entry point of the fleet's gate, the state machine's first step: the execution's input (a
 * CloudFormation status-change event or a fleet replay request) in, {@link FleetGate}'s decision out. Needs no VPC.
 * Environment: WATCHED_STACKS and FLEET_NAME, read and validated once.
 */
public final class FleetGateHandler implements RequestStreamHandler {
  private static final Logger LOG = LoggerFactory.getLogger(FleetGateHandler.class);
  private final FleetGate gate;
  private final String fleetName;

  public FleetGateHandler() {
    this(System.getenv(), CloudFormationClient.builder().httpClient(UrlConnectionHttpClient.create()).build());
  }

  FleetGateHandler(Map<String, String> env, CloudFormationClient cloudFormation) {
    String watchedStacks = env.getOrDefault("WATCHED_STACKS", "");
    if (watchedStacks.isBlank()) {
      throw new IllegalStateException("the fleet gate is misconfigured: set the environment variable(s) [WATCHED_STACKS]");
    }
    this.fleetName = FleetSettings.fromEnvironment(env, false).fleetName();
    WatchedStacks watched = WatchedStacks.parse(watchedStacks);
    this.gate = new FleetGate(TriggerParser.forFleet(watched), new CloudFormationGate(cloudFormation, watched));
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    ObjectNode decision = gate.decide(EventJson.read(input));
    LOG.info("fleet {} run {}: migrate={} reason={} ({})", fleetName, decision.get("runId").asText(),
        decision.get("migrate").asBoolean(), decision.get("reason").asText(), decision.get("message").asText());
    output.write(decision.toString().getBytes(StandardCharsets.UTF_8));
  }
}
