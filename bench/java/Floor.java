import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Properties;

/**
 * The floor of a no-op run: a JVM that opens one JDBC connection and reads DATABASECHANGELOG once, the least a
 * run must do to learn that nothing is pending. It reads the columns Liquibase compares, row by row, so its cost
 * grows with the changelog as a real check's would. No no-op run can be faster than this process.
 *
 * <p>Usage: java -cp 'classes:postgresql.jar' Floor (connection from DB_MIGRATOR_SECRET_JSON's fields, passed
 * as BENCH_JDBC_URL, BENCH_DB_USER, BENCH_DB_PASSWORD). Prints the row count.
 */
public final class Floor {
  private Floor() {}

  public static void main(String[] args) throws Exception {
    Properties props = new Properties();
    props.setProperty("user", System.getenv("BENCH_DB_USER"));
    props.setProperty("password", System.getenv("BENCH_DB_PASSWORD"));
    props.setProperty("sslmode", "disable");
    int rows = 0;
    try (Connection connection = DriverManager.getConnection(System.getenv("BENCH_JDBC_URL"), props);
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(
            "SELECT id, author, filename, md5sum FROM databasechangelog ORDER BY dateexecuted, orderexecuted")) {
      while (rs.next()) {
        rs.getString(1);
        rs.getString(2);
        rs.getString(3);
        rs.getString(4);
        rows++;
      }
    }
    System.out.println(rows);
  }
}
