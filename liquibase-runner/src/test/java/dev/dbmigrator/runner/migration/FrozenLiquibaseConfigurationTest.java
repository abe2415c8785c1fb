package dev.dbmigrator.runner.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import liquibase.Scope;
import liquibase.configuration.ConfigurationValueProvider;
import liquibase.configuration.ConfiguredValue;
import liquibase.configuration.LiquibaseConfiguration;
import liquibase.configuration.core.EnvironmentValueProvider;
import liquibase.configuration.core.SystemPropertyValueProvider;
import org.junit.jupiter.api.Test;

/** Liquibase reads system properties and the environment from a snapshot once the runner has started it. */
class FrozenLiquibaseConfigurationTest {
  private static LiquibaseConfiguration configuration() {
    return Scope.getCurrentScope().getSingleton(LiquibaseConfiguration.class);
  }

  private static Object lookUp(String key) {
    ConfiguredValue<Object> value = configuration().getCurrentConfiguredValue(null, null, key);
    return value.getValue();
  }

  @Test
  void replacesBothProvidersOnceAndKeepsTheirValues() {
    FrozenLiquibaseConfiguration.install();
    FrozenLiquibaseConfiguration.install();

    List<Class<?>> kinds = configuration().getProviders().stream()
        .map(ConfigurationValueProvider::getClass)
        .filter(c -> SystemPropertyValueProvider.class.isAssignableFrom(c)
            || EnvironmentValueProvider.class.isAssignableFrom(c))
        .<Class<?>>map(c -> c)
        .sorted((a, b) -> a.getName().compareTo(b.getName()))
        .toList();
    assertEquals(List.of(FrozenLiquibaseConfiguration.FrozenEnvironment.class,
        FrozenLiquibaseConfiguration.FrozenSystemProperties.class), kinds);
    assertEquals(System.getProperty("java.version"), lookUp("java.version"), "a system property set at start");
    assertEquals(System.getenv("PATH"), lookUp("PATH"), "an environment variable");
  }

  @Test
  void aSystemPropertySetAfterwardsIsNotSeen() {
    FrozenLiquibaseConfiguration.install();
    String key = "dbmigrator.frozen.test." + System.nanoTime();
    System.setProperty(key, "late");
    try {
      assertNull(lookUp(key));
    } finally {
      System.clearProperty(key);
    }
  }
}
