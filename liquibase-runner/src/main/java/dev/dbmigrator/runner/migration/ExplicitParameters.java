package dev.dbmigrator.runner.migration;

import java.lang.reflect.Field;
import java.util.List;
import java.util.Map;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.changelog.ChangeLogParameters;
import liquibase.database.Database;

/**
 * The changelog parameters of one run, made before the changelog is parsed: the run's contexts and labels (so that
 * context- and label-bound {@code property} entries resolve as the stock CLI resolves them with
 * {@code --contexts}), then the explicit parameters, then whatever the changelog's own {@code property} entries
 * add while it is parsed.
 *
 * <p>Liquibase's constructor also copies every environment variable and Java system property in as a parameter,
 * ahead of all others, so that {@code ${AWS_SECRET_ACCESS_KEY}} would resolve to the Lambda's credentials and
 * could reach SQL, a dry run's preview, a result or an event. Liquibase offers no switch for it: the copied list
 * is emptied here, and a Liquibase whose class no longer has that list is refused rather than trusted.
 */
final class ExplicitParameters {
  /** The private field of liquibase-core 4.33's ChangeLogParameters that holds the environment and properties. */
  private static final String SYSTEM_PARAMETERS_FIELD = "systemParameters";

  private ExplicitParameters() {}

  static ChangeLogParameters create(Database database, LiquibaseMigration.Filter filter,
      Map<String, String> explicit) {
    ChangeLogParameters parameters = new ChangeLogParameters(database);
    withoutEnvironment(parameters);
    parameters.setContexts(new Contexts(filter.contexts()));
    parameters.setLabels(new LabelExpression(filter.labels()));
    // Set before parsing: Liquibase keeps the first value set, so explicit parameters win over the changelog's
    // own properties, as the stock CLI's -D parameters do.
    explicit.forEach(parameters::set);
    return parameters;
  }

  private static void withoutEnvironment(ChangeLogParameters parameters) {
    try {
      Field field = ChangeLogParameters.class.getDeclaredField(SYSTEM_PARAMETERS_FIELD);
      field.setAccessible(true);
      ((List<?>) field.get(parameters)).clear();
    } catch (ReflectiveOperationException | ClassCastException | SecurityException e) {
      throw new IllegalStateException("this Liquibase version lets environment variables and system properties "
          + "resolve changelog parameters, and the runner cannot turn that off: " + e, e);
    }
  }
}
