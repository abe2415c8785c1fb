package dev.dbmigrator.runner.fleet;

import dev.dbmigrator.runner.result.Reason;
import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Reads the manifest object on every run, since a tenant-provisioning process may rewrite it at any time. A warm
 * container sends the ETag it last parsed, so an unchanged manifest costs a 304 and no download or parse: with
 * 10,000 targets, every one of 10,000 runs would otherwise fetch the whole list.
 */
public final class S3ManifestSource implements ManifestSource {
  private final S3Client s3;
  private final String bucket;
  private final String key;
  private String cachedEtag;
  private FleetManifest cached;

  public S3ManifestSource(S3Client s3, String bucket, String key) {
    this.s3 = s3;
    this.bucket = bucket;
    this.key = key;
  }

  @Override
  public synchronized FleetManifest read() throws ManifestException {
    GetObjectRequest.Builder request = GetObjectRequest.builder().bucket(bucket).key(key);
    if (cachedEtag != null) {
      request.ifNoneMatch(cachedEtag);
    }
    ResponseBytes<GetObjectResponse> object;
    try {
      object = s3.getObjectAsBytes(request.build());
    } catch (AwsServiceException e) {
      if (e.statusCode() == 304 && cached != null) {
        return cached;
      }
      String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
      throw new ManifestException(Reason.MANIFEST_UNAVAILABLE, "the fleet manifest s3://" + bucket + "/" + key
          + " could not be read: " + (code == null ? "HTTP " + e.statusCode() : code + " (HTTP " + e.statusCode()
          + ")") + "; nothing was applied");
    } catch (SdkException e) {
      throw new ManifestException(Reason.MANIFEST_UNAVAILABLE, "S3 could not be reached for the fleet manifest s3://"
          + bucket + "/" + key + " (" + e.getClass().getSimpleName() + "); nothing was applied");
    }
    FleetManifest manifest = FleetManifest.parse(object.asString(StandardCharsets.UTF_8));
    cached = manifest;
    cachedEtag = object.response().eTag();
    return manifest;
  }
}
