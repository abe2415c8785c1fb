import java.util.HashMap;
import java.util.Map;
import liquibase.Scope;
import liquibase.configuration.ConfigurationValueProvider;
import liquibase.configuration.LiquibaseConfiguration;
import liquibase.configuration.core.EnvironmentValueProvider;
import liquibase.configuration.core.SystemPropertyValueProvider;

/**
 * A prototype of a runner change, installed from outside the runner: Liquibase 4.33 re-hashes every system
 * property and environment variable on every configuration lookup (to notice changes), and it looks values up
 * for every path it normalises, so a no-op run spends a large share of its time there. These providers read the
 * same sources once, at start, and answer the hash from that snapshot. Values set later through system
 * properties or the environment are then not seen; the runner sets its own through Scope values.
 */
final class FrozenConfig {
  private FrozenConfig() {}

  static void install() {
    LiquibaseConfiguration configuration = Scope.getCurrentScope().getSingleton(LiquibaseConfiguration.class);
    for (ConfigurationValueProvider provider : configuration.getProviders().toArray(new ConfigurationValueProvider[0])) {
      if (provider.getClass() == SystemPropertyValueProvider.class) {
        configuration.unregisterProvider(provider);
        configuration.registerProvider(new FrozenSystemProperties());
      } else if (provider.getClass() == EnvironmentValueProvider.class) {
        configuration.unregisterProvider(provider);
        configuration.registerProvider(new FrozenEnvironment());
      }
    }
  }

  private static final class FrozenSystemProperties extends SystemPropertyValueProvider {
    private final Map<Object, Object> snapshot = new HashMap<>(System.getProperties());
    private final int hash = snapshot.hashCode();

    @Override
    protected Map<?, ?> getMap() {
      return snapshot;
    }

    @Override
    protected int getMapHash() {
      return hash;
    }
  }

  private static final class FrozenEnvironment extends EnvironmentValueProvider {
    private final Map<String, String> snapshot = Map.copyOf(System.getenv());
    private final int hash = snapshot.hashCode();

    @Override
    protected Map<?, ?> getMap() {
      return snapshot;
    }

    @Override
    protected int getMapHash() {
      return hash;
    }
  }
}
