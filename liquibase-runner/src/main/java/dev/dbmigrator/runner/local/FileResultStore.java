package dev.dbmigrator.runner.local;

import dev.dbmigrator.runner.recording.RecordingException;
import dev.dbmigrator.runner.recording.ResultStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Local stand-in for the SSM result parameter: the latest result in a file, replaced atomically. */
public final class FileResultStore implements ResultStore {
  private final Path file;

  public FileResultStore(Path file) {
    this.file = file.toAbsolutePath();
  }

  @Override
  public void put(String resultJson) throws RecordingException {
    try {
      Files.createDirectories(file.getParent());
      Path partial = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
      Files.writeString(partial, resultJson + "\n", StandardCharsets.UTF_8);
      Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new RecordingException("writing " + file + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public String location() {
    return file.toString();
  }
}
