package prefdyn.cli.base;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** prefdyn's version, filtered into {@code version.properties} by Maven at build time. */
public final class Version implements CommandLine.IVersionProvider {

    private static final String VERSION = load();

    /** The project version, e.g. {@code 0.1.0-SNAPSHOT}, or {@code unknown} when run from unfiltered classes. */
    public static String get() {
        return VERSION;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"prefdyn " + VERSION + " (Java " + System.getProperty("java.version") + ")"};
    }

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream("/prefdyn/cli/version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("version", "unknown");
            return version.contains("${") ? "unknown" : version;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
