import dev.dbmigrator.runner.local.LocalMain;

/** LocalMain with the {@link FrozenConfig} prototype installed first: the cold side of that lever. */
public final class FrozenLocalMain {
  private FrozenLocalMain() {}

  public static void main(String[] args) {
    FrozenConfig.install();
    LocalMain.main(args);
  }
}
