package dev.dbmigrator.runner.fleet;

/** Where a fleet target's run reads the manifest: S3 in Lambda. */
public interface ManifestSource {
  FleetManifest read() throws ManifestException;
}
