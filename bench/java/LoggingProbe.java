import org.apache.logging.log4j.jul.Log4jBridgeHandler;
import org.slf4j.LoggerFactory;

/**
 * The start-up cost of the runner's logging alone: SLF4J over Log4j with the runner's own log4j2.xml (Powertools'
 * JSON template layout) and the java.util.logging bridge Liquibase needs, then one line. Run with
 * -Dlog4j2.loggerContextFactory=...SimpleLoggerContextFactory it prices the same API without log4j-core, which
 * is what any lighter logger could save at most.
 */
public final class LoggingProbe {
  private LoggingProbe() {}

  public static void main(String[] args) {
    boolean core = !String.valueOf(System.getProperty("log4j2.loggerContextFactory")).contains("Simple");
    if (core) {
      Log4jBridgeHandler.install(true, null, true);
    }
    LoggerFactory.getLogger("dev.dbmigrator.bench").info("logging is up");
    java.util.logging.Logger.getLogger("liquibase.bench").info("and so is the bridge");
  }
}
