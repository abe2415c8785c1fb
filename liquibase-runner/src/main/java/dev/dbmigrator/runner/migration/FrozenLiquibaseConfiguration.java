package dev.dbmigrator.runner.migration;

import java.util.HashMap;
import java.util.Map;
import liquibase.Scope;
import liquibase.configuration.ConfigurationValueProvider;
import liquibase.configuration.LiquibaseConfiguration;
import liquibase.configuration.core.EnvironmentValueProvider;
import liquibase.configuration.core.SystemPropertyValueProvider;

/**
 * Liquibase 4.33 hashes every system property and every environment variable on each configuration lookup, to
 * notice a change, and it looks settings up for every path it normalises and every checksum it computes: thousands
 * of times in a full apply. These providers read the same two sources once, when the runner first starts
 * Liquibase, and answer from that snapshot. A system property or environment variable set later is not seen; the
 * runner sets none (its own settings are Scope values, which are not affected), and the environment of a process
 * cannot change.
 */
final class FrozenLiquibaseConfiguration {
  private static boolean installed;

  private FrozenLiquibaseConfiguration() {}

  static synchronized void install() {
    if (installed) {
      return;
    }
    LiquibaseConfiguration configuration = Scope.getCurrentScope().getSingleton(LiquibaseConfiguration.class);
    for (ConfigurationValueProvider provider :
        configuration.getProviders().toArray(new ConfigurationValueProvider[0])) {
      if (provider.getClass() == SystemPropertyValueProvider.class) {
        configuration.unregisterProvider(provider);
        configuration.registerProvider(new FrozenSystemProperties());
      } else if (provider.getClass() == EnvironmentValueProvider.class) {
        configuration.unregisterProvider(provider);
        configuration.registerProvider(new FrozenEnvironment());
      }
    }
    installed = true;
  }

  /** The system properties as they were at install. */
  static final class FrozenSystemProperties extends SystemPropertyValueProvider {
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

  /** The environment, which a running process cannot change. */
  static final class FrozenEnvironment extends EnvironmentValueProvider {
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
